package users_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/srv"
	"github.com/smetsim/smetsim/simulator/users"
)

func TestUsers(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Users Suite")
}

func eui(s string) devices.EUI64 {
	e, err := devices.ParseEUI64(s)
	Expect(err).NotTo(HaveOccurred())
	return e
}

var _ = Describe("The users file", func() {
	It("holds the four default users with their roles and the supplier's thresholds", func() {
		d, err := users.Load(fixtures.FS, fixtures.UsersFile)
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Users).To(HaveLen(4))
		sup := d.Lookup(eui("90-B3-D5-1F-30-01-00-00"))
		Expect(sup).NotTo(BeNil())
		Expect(sup.Roles).To(ConsistOf(users.ImportSupplier, users.ExportSupplier, users.GasSupplier))
		Expect(sup.ADTs["7.2"]).To(Equal(users.ADT{Limit: 50, Period: 24 * time.Hour}))
		Expect(sup.Eligible(srv.Lookup("7.2"))).To(BeTrue())
		ed := d.Lookup(eui("90-B3-D5-1F-30-02-00-00"))
		Expect(ed.Has(users.ElectricityDistributor)).To(BeTrue())
		Expect(ed.Eligible(srv.Lookup("7.2"))).To(BeFalse()) // only suppliers disable supply
		Expect(d.Lookup(eui("00-DB-12-34-56-78-00-04")).Roles).To(Equal([]users.Role{users.OtherUser}))
		Expect(d.Lookup(eui("00-DB-12-34-56-78-90-A0"))).To(BeNil())
	})

	DescribeTable("refuses mistakes with file, line and field",
		func(yaml, want string) {
			_, err := users.Parse("u.yaml", []byte(yaml))
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("no users", "users: []\n", "u.yaml:1:1: users: missing"),
		Entry("bad EUI", "users:\n  - {eui: nope, roles: [IS], certificate: c.pem}\n", "u.yaml:2:6: users[0].eui"),
		Entry("unknown role", "users:\n  - {eui: 90-B3-D5-1F-30-01-00-00, roles: [XX], certificate: c.pem}\n", `users[0].roles[0]: unknown role "XX"`),
		Entry("no certificate", "users:\n  - {eui: 90-B3-D5-1F-30-01-00-00, roles: [IS]}\n", "users[0].certificate: missing"),
		Entry("bad URL", "users:\n  - {eui: 90-B3-D5-1F-30-01-00-00, roles: [IS], certificate: c.pem, response_url: 'ftp://x'}\n", "is not an http(s) URL"),
		Entry("ADT on a non-critical SRV", "users:\n  - eui: 90-B3-D5-1F-30-01-00-00\n    roles: [IS]\n    certificate: c.pem\n    adts:\n      \"4.1.1\": {limit: 5, period: 1h}\n", `users[0].adts["4.1.1"]: SRV 4.1.1 (Read Instantaneous Import Registers) is not critical`),
		Entry("ADT with a bad period", "users:\n  - eui: 90-B3-D5-1F-30-01-00-00\n    roles: [IS]\n    certificate: c.pem\n    adts:\n      \"7.2\": {limit: 5, period: soon}\n", `adts["7.2"].period: "soon" is not a period`),
		Entry("duplicate user", "users:\n  - {eui: 90-B3-D5-1F-30-01-00-00, roles: [IS], certificate: c.pem}\n  - {eui: 90-B3-D5-1F-30-01-00-00, roles: [GS], certificate: c.pem}\n", "listed twice"),
	)
})
