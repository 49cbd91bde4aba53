package sit_test

import (
	"context"
	"sync"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smetsim/smetsim/fixtures"
	"github.com/smetsim/smetsim/scenarios"
	"github.com/smetsim/smetsim/scenarios/sit"
	"github.com/smetsim/smetsim/simulator/catalogue"
	"github.com/smetsim/smetsim/simulator/inventory"
)

func TestSIT(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "SIT Suite")
}

func fixtureCatalogue() *catalogue.Catalogue {
	cat, err := catalogue.Load(fixtures.FS, fixtures.ModelsDir, fixtures.CPLFile)
	Expect(err).NotTo(HaveOccurred())
	return cat
}

func fixtureMatrix() *sit.Matrix {
	m, err := sit.LoadMatrix(fixtures.SITPack, fixtures.SITMatrix, fixtureCatalogue())
	Expect(err).NotTo(HaveOccurred())
	return m
}

func fixturePack() *sit.Pack {
	p, err := sit.LoadPack(nil, fixtures.SITPack, fixtures.SITPackDir)
	Expect(err).NotTo(HaveOccurred())
	return p
}

// The fixture matrix is run once (seed 42) for every spec that reads its report: a run is a few
// seconds of every core.
var (
	fixtureOnce   sync.Once
	fixtureReport *sit.Report
	fixtureErr    error
)

func fixtureRun() *sit.Report {
	fixtureOnce.Do(func() {
		fixtureReport, fixtureErr = sit.Run(context.Background(), fixtureMatrix(), fixturePack(), sit.Options{Seed: 42})
	})
	Expect(fixtureErr).NotTo(HaveOccurred())
	return fixtureReport
}

func defaultLists() (*inventory.Lists, error) { return scenarios.FixtureLists() }
