// Package sit runs SIT (Systems Integration Testing) the way the DCC ran it for SMETS1: a matrix of
// product combinations, each with its installed population, is proved with a pack of scenarios
// (an SRV set, alerts, HAN interoperability), and the outcome is a combination × SRV table and the
// share of the installed base whose combinations passed everything.
//
// It is one of the testing workflows built on the scenario engine (scenarios/ppc, scenarios/uts
// beside it): a SIT run is scenario cases on fleets fitted with each combination.
package sit
