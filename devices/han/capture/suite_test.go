package capture_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestCapture runs the Ginkgo specs of package capture, including those that ask tshark.
func TestCapture(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "HAN capture Suite")
}
