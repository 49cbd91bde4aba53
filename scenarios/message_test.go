package scenarios_test

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/scenarios"
)

// tariffResponse is sampleResponse with a 4.11.1 payload: four TOU prices, each an element of
// the same name.
var tariffResponse = strings.Replace(sampleResponse,
	`<ra:ReadSupplyStatusRsp MessageSuccess="true"><ra:SupplyState>Enabled</ra:SupplyState></ra:ReadSupplyStatusRsp>`,
	`<ra:ReadTariffPrimaryElementRsp MessageSuccess="true"><ra:Electricity><ra:TariffTOUPriceMatrix>`+
		`<ra:TariffTOUPrice index="1">14200</ra:TariffTOUPrice><ra:TariffTOUPrice index="2">29600</ra:TariffTOUPrice>`+
		`</ra:TariffTOUPriceMatrix></ra:Electricity></ra:ReadTariffPrimaryElementRsp>`, 1)

var _ = Describe("Field paths", func() {
	var m *scenarios.Message
	BeforeEach(func() {
		var err error
		m, err = scenarios.ParseMessage([]byte(tariffResponse))
		Expect(err).NotTo(HaveOccurred())
	})

	DescribeTable("pick a repeated element by its position, from 1, or the first without one",
		func(path, want string, found bool) {
			v, ok := m.Payload.Field(path)
			Expect(ok).To(Equal(found))
			Expect(v).To(Equal(want))
		},
		Entry("the first by default", "Electricity/TariffTOUPriceMatrix/TariffTOUPrice", "14200", true),
		Entry("the first by position", "Electricity/TariffTOUPriceMatrix/TariffTOUPrice[1]", "14200", true),
		Entry("the second", "Electricity/TariffTOUPriceMatrix/TariffTOUPrice[2]", "29600", true),
		Entry("an attribute of the second", "Electricity/TariffTOUPriceMatrix/TariffTOUPrice[2]/@index", "2", true),
		Entry("a position on a single element", "Electricity[1]/TariffTOUPriceMatrix[1]/TariffTOUPrice[2]", "29600", true),
		Entry("past the last", "Electricity/TariffTOUPriceMatrix/TariffTOUPrice[3]", "", false),
		Entry("position 0", "Electricity/TariffTOUPriceMatrix/TariffTOUPrice[0]", "", false),
		Entry("not a number", "Electricity/TariffTOUPriceMatrix/TariffTOUPrice[x]", "", false),
		Entry("unclosed", "Electricity/TariffTOUPriceMatrix/TariffTOUPrice[2", "", false),
	)

	It("loads a scenario that checks a position, and refuses a position that is not one", func() {
		sc := `name: positions
steps:
  - send:
      srv: "4.11.1"
      as: supplier
      to: rtds-reference.ESME
      body: {ReadTariffPrimaryElement: {}}
      expect:
        response:
          fields:
            Electricity/TariffTOUPriceMatrix/TariffTOUPrice[2]: "29600"
            Electricity/TariffTOUPriceMatrix/TariffTOUPrice[0]: "1"
            "Electricity/TariffTOUPriceMatrix[x]/TariffTOUPrice": "1"
`
		path := filepath.Join(GinkgoT().TempDir(), "positions.yaml")
		Expect(os.WriteFile(path, []byte(sc), 0o644)).To(Succeed())
		errs := loadErrors(path)
		Expect(errs).To(HaveLen(2))
		Expect(errs[0]).To(HavePrefix(`12:13: steps[0].send.expect.response.fields["Electricity/TariffTOUPriceMatrix/TariffTOUPrice[0]"]: "Electricity/TariffTOUPriceMatrix/TariffTOUPrice[0]" is not a path`))
		Expect(errs[0]).To(ContainSubstring("each maybe with a position from 1 ([2])"))
		Expect(errs[1]).To(HavePrefix("13:13: "))
	})
})
