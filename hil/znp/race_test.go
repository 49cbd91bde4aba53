//go:build race

package znp_test

// raceEnabled lets allocation specs stand aside under -race, whose instrumentation allocates.
const raceEnabled = true
