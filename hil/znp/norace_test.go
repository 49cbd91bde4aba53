//go:build !race

package znp_test

const raceEnabled = false
