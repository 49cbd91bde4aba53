package scenarios

// SRBody exposes srBody to the fuzz target in package scenarios_test.
var SRBody = srBody
