package match_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/devices"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/scenarios/match"
)

func TestMatch(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Matchers Suite")
}

const esme = "rtds-reference.ESME"

var _ = Describe("Gomega matchers on a World", func() {
	var w *scenarios.World
	BeforeEach(func() {
		var err error
		w, err = scenarios.NewWorld(&scenarios.Scenario{Name: "Go API", FleetName: "default"}, 1, scenarios.Options{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(w.Close)
	})

	It("check a critical request's answers and the device it changed", func() {
		ex, err := w.Send(scenarios.Send{As: "supplier", SRV: "7.2", To: esme, Body: "<DisableSupply/>"})
		Expect(err).NotTo(HaveOccurred())
		Expect(ex).To(match.HaveResponseCode("I99"))
		rsp, err := w.AwaitResponse(ex, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(rsp).To(match.HaveResponseCode("I0"))
		Expect(rsp).To(match.HaveField("@MessageSuccess", "true"))
		Expect(w).To(match.HaveSupplyState(esme, devices.SupplyDisabled))
		Expect(w).NotTo(match.HaveSupplyState(esme, "enabled"))
		Expect(w).To(match.HaveProperty(esme, "firmware", "~ ^1\\.4"))
	})

	It("compare read values", func() {
		ex, err := w.Send(scenarios.Send{As: "supplier", SRV: "4.18", To: esme, Body: "<ReadMeterBalance/>"})
		Expect(err).NotTo(HaveOccurred())
		rsp, err := w.AwaitResponse(ex, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(rsp).To(match.HaveField("ReadMeterBalanceRsp", "exists"))
		Expect(w).To(match.HaveProperty(esme, "balance", "> 0"))
	})

	It("find alerts at the Receive Response Service", func() {
		Expect(w.RunStep(scenarios.Step{Kind: scenarios.StepFault, Fault: &scenarios.Fault{Device: "rtds-reference.CHF", Kind: "power_off", For: time.Hour}}).Status).To(Equal(scenarios.Passed))
		Expect(w.Advance(time.Minute)).To(Succeed())
		Expect(w.Receiver).To(match.HaveAlert("N1"))
		Expect(w.Receiver.Messages()).To(match.HaveAlert("N1"))
		Expect(w.Receiver).NotTo(match.HaveAlert("AD1"))
	})

	It("say what differed when they fail", func() {
		ex, err := w.Send(scenarios.Send{As: "supplier", SRV: "11.2", To: esme, Body: "<ReadFirmwareVersion/>"})
		Expect(err).NotTo(HaveOccurred())
		failures := InterceptGomegaFailures(func() { Expect(ex).To(match.HaveResponseCode("E19")) })
		Expect(failures).To(ConsistOf(ContainSubstring("Expected response code E19, got I99")))
		failures = InterceptGomegaFailures(func() { Expect(w).To(match.HaveProperty(esme, "supply", "disabled")) })
		Expect(failures).To(ConsistOf(ContainSubstring("rtds-reference.ESME to have supply disabled, got enabled")))
		failures = InterceptGomegaFailures(func() { Expect("not a world").To(match.HaveSupplyState(esme, "enabled")) })
		Expect(failures).To(ConsistOf(ContainSubstring("*scenarios.World")))
	})
})
