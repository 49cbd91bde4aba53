//go:build race

package capture_test

// raceEnabled lets allocation specs stand aside under -race, whose instrumentation allocates.
const raceEnabled = true
