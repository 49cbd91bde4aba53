package srv_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSRV(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "SRV Suite")
}
