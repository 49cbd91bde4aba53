package znp_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestZNP runs the Ginkgo specs of package znp.
func TestZNP(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ZNP Suite")
}
