package zcl_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestZCL runs the Ginkgo specs of package zcl.
func TestZCL(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ZCL Suite")
}
