// Package sit runs SIT (Systems Integration Testing) the way the DCC ran it for SMETS1: a matrix of
// product combinations, each with its installed population, is proved with a pack of scenarios
// (an SRV set, alerts, HAN interoperability), and the outcome is a combination × SRV table and the
// share of the installed base whose combinations passed everything.
//
// It sits in simulator/, as the issue asks, but drives the scenario engine (package scenarios):
// a SIT run is scenario cases on fitted fleets, and writing a second runner would duplicate it.
// Nothing in scenarios or below imports this package, so no cycle arises; the direction is the
// one exception to "simulator imports only devices", recorded here.
package sit
