package srv_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/simulator/srv"
)

var _ = DescribeTable("CheckCommandVariant",
	func(variant string, cv int, msg string) {
		err := srv.Lookup(variant).CheckCommandVariant(cv)
		if msg == "" {
			Expect(err).NotTo(HaveOccurred())
			return
		}
		Expect(err).To(MatchError(ContainSubstring(msg)))
	},
	Entry("a non-critical read on CV 1", "4.1.1", 1, ""),
	Entry("a critical request through Transform", "7.2", 4, ""),
	Entry("its signed pre-command", "7.2", 5, ""),
	Entry("a non-device request on CV 8", "8.2", 8, ""),
	Entry("a critical request on CV 1", "7.2", 1, "7.2 is critical"),
	Entry("a non-critical one on CV 4", "4.1.1", 4, "not critical"),
	Entry("a non-device request on CV 1", "8.2", 1, "takes command variant 8"),
	Entry("a device request on CV 8", "4.1.1", 8, "goes to a device"),
	Entry("local delivery", "4.1.1", 2, "local delivery"),
	Entry("the DCC's own variant", "4.1.1", 9, "internal to the DCC"),
	Entry("no such variant", "4.1.1", 12, "does not exist"),
)
