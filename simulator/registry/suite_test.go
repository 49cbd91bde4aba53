package registry_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/simulator/catalogue"
)

func TestRegistry(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Registry Suite")
}

var cat = func() *catalogue.Catalogue {
	c, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	if err != nil {
		panic(err)
	}
	return c
}()
