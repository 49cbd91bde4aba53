package srv_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/simulator/srv"
)

// matrixPath is the DUIS SRV matrix in the shared reference data, which sits beside the project;
// tests run in the package directory.
const matrixPath = "../../../shared/duis/srv-matrix.json"

// matrixRow is one SRV as the matrix (from SmartDCCInnovation/duis-parser) writes it.
type matrixRow struct {
	Name         string   `json:"Service Request Name"`
	Reference    string   `json:"Service Reference"`
	Variant      string   `json:"Service Reference Variant"`
	Critical     string   `json:"Critical"`
	OnDemand     string   `json:"On Demand"`
	FutureDated  string   `json:"Future Dated Response Pattern"`
	DCCScheduled string   `json:"DCC Scheduled"`
	NonDevice    string   `json:"Non-Device Request"`
	Roles        []string `json:"Eligible User Roles"`
}

// matrixReferenceFixes are the matrix's Service References that lost a trailing zero on their
// way through a spreadsheet ("6.20" became "6.2"): the DUIS schema enumerates 6.20, and DCC's own
// RTDS templates send <ServiceReference>6.20</ServiceReference> for 6.20.1.
var matrixReferenceFixes = map[string]struct{ matrix, schema string }{
	"6.20.1": {"6.2", "6.20"},
	"6.20.2": {"6.2", "6.20"},
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

var _ = Describe("the SRV table", func() {
	Describe("compared with the DUIS SRV matrix", Ordered, func() {
		var rows []matrixRow

		BeforeAll(func() {
			data, err := os.ReadFile(matrixPath)
			if errors.Is(err, fs.ErrNotExist) {
				Skip("the DUIS SRV matrix is not at " + matrixPath + " (the shared reference data sits beside the project)")
			}
			Expect(err).NotTo(HaveOccurred())
			dec := json.NewDecoder(strings.NewReader(string(data)))
			dec.DisallowUnknownFields()
			Expect(dec.Decode(&rows)).To(Succeed())
		})

		It("has the same 129 variants in the same order", func() {
			Expect(rows).To(HaveLen(129))
			Expect(srv.All).To(HaveLen(len(rows)))
			var want, got []string
			for i := range rows {
				want = append(want, rows[i].Variant)
				got = append(got, srv.All[i].Variant)
			}
			Expect(got).To(Equal(want))
		})

		It("agrees field by field", func() {
			for _, r := range rows {
				s := srv.Lookup(r.Variant)
				Expect(s).NotTo(BeNil(), "SRV %s", r.Variant)
				Expect(collapse(s.Name)).To(Equal(collapse(r.Name)), "name of SRV %s", r.Variant)
				ref := r.Reference
				if fix, ok := matrixReferenceFixes[r.Variant]; ok {
					Expect(ref).To(Equal(fix.matrix), "the matrix's known slip for %s is still there", r.Variant)
					ref = fix.schema
				}
				Expect(s.Reference).To(Equal(ref), "reference of SRV %s", r.Variant)
				Expect(yesNo(s.Critical)).To(Equal(r.Critical), "critical of SRV %s", r.Variant)
				Expect(yesNo(s.OnDemand)).To(Equal(r.OnDemand), "on demand of SRV %s", r.Variant)
				Expect(s.FutureDated.String()).To(Equal(r.FutureDated), "future-dated pattern of SRV %s", r.Variant)
				Expect(yesNo(s.DCCScheduled)).To(Equal(r.DCCScheduled), "DCC scheduled of SRV %s", r.Variant)
				Expect(yesNo(s.NonDevice)).To(Equal(r.NonDevice), "non-device of SRV %s", r.Variant)
				Expect(s.Roles).To(Equal(r.Roles), "roles of SRV %s, in the matrix's order", r.Variant)
			}
		})
	})

	It("has each variant once, in DUIS numbering order", func() {
		seen := map[string]bool{}
		for _, s := range srv.All {
			Expect(seen).NotTo(HaveKey(s.Variant))
			seen[s.Variant] = true
		}
		vs := srv.Variants()
		Expect(vs).To(HaveLen(len(srv.All)))
		Expect(sort.SliceIsSorted(vs, func(i, j int) bool { return srv.Less(vs[i], vs[j]) })).To(BeTrue())
		Expect(vs[0]).To(Equal("1.1.1"))
		Expect(vs[len(vs)-1]).To(Equal("14.1"))
	})

	It("names only the DUIS user roles", func() {
		for _, s := range srv.All {
			for _, r := range s.Roles {
				Expect([]string{"IS", "ES", "GS", "ED", "GT", "RSA", "OU"}).To(ContainElement(r), "SRV %s", s.Variant)
			}
		}
	})

	DescribeTable("Lookup",
		func(variant, name string) {
			s := srv.Lookup(variant)
			if name == "" {
				Expect(s).To(BeNil())
				return
			}
			Expect(s).NotTo(BeNil())
			Expect(s.Variant).To(Equal(variant))
			Expect(s.Name).To(Equal(name))
		},
		Entry("a three-part variant", "4.1.1", "Read Instantaneous Import Registers"),
		Entry("a two-part variant", "11.1", "Update Firmware"),
		Entry("a variant whose reference differs from its prefix", "6.20.1", "Set Device Configuration (Import MPxN)"),
		Entry("a Service Reference that has only variants", "4.1", ""),
		Entry("an unknown variant", "99.9", ""),
		Entry("a variant with spaces", " 4.1.1", ""),
		Entry("nothing", "", ""),
	)

	It("gives each variant its Service Reference: the variant itself or its first two parts", func() {
		for _, s := range srv.All {
			parts := strings.Split(s.Variant, ".")
			want := s.Variant
			if len(parts) == 3 {
				want = parts[0] + "." + parts[1]
			}
			Expect(s.Reference).To(Equal(want), "SRV %s", s.Variant)
		}
	})

	It("Lookup returns the table's entry, so callers see one SRV", func() {
		Expect(srv.Lookup("7.2")).To(BeIdenticalTo(&srv.All[indexOf("7.2")]))
	})

	It("Allows checks a role against the eligible user roles", func() {
		s := srv.Lookup("7.1")
		Expect(s.Allows("IS")).To(BeTrue())
		Expect(s.Allows("GS")).To(BeFalse())
		Expect(srv.Lookup("7.16").Allows("IS")).To(BeFalse())
	})

	DescribeTable("Less orders variants numerically, part by part",
		func(a, b string, less bool) {
			Expect(srv.Less(a, b)).To(Equal(less))
			if less {
				Expect(srv.Less(b, a)).To(BeFalse(), "Less must be asymmetric")
			}
		},
		Entry("4.2 before 4.10", "4.2", "4.10", true),
		Entry("4.10 not before 4.2", "4.10", "4.2", false),
		Entry("a reference before its variants", "4.1", "4.1.1", true),
		Entry("4.1.4 before 4.2", "4.1.4", "4.2", true),
		Entry("9.1 before 11.1", "9.1", "11.1", true),
		Entry("6.2.10 after 6.2.9", "6.2.9", "6.2.10", true),
		Entry("equal variants", "8.14.3", "8.14.3", false),
		Entry("nothing before anything", "", "1.1", true),
		Entry("a bad variant before a good one", "x", "1.1", true),
	)

	DescribeTable("FuturePattern names the pattern as the matrix does",
		func(p srv.FuturePattern, name string) { Expect(p.String()).To(Equal(name)) },
		Entry(nil, srv.FutureNone, "No"),
		Entry(nil, srv.FutureDSP, "DSP"),
		Entry(nil, srv.FutureDevice, "Device"),
		Entry(nil, srv.FutureDSPAndDevice, "DSP & Device"),
	)
})

func indexOf(variant string) int {
	for i, s := range srv.All {
		if s.Variant == variant {
			return i
		}
	}
	return -1
}
