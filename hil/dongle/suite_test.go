package dongle_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestDongle runs the Ginkgo specs of package dongle.
func TestDongle(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Dongle Suite")
}
