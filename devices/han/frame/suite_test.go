package frame_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestFrame runs the Ginkgo specs of package frame.
func TestFrame(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "HAN frame Suite")
}
