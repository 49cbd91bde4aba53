package dsig_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestDsig(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "dsig Suite")
}
