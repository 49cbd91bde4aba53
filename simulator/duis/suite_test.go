package duis_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestDUIS(t *testing.T) { RegisterFailHandler(Fail); RunSpecs(t, "DUIS Suite") }
