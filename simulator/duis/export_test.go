package duis

// Enumerations exposes the schema enumerations the builders check, by schema type name, so a spec
// can compare them with the schema.
var Enumerations = map[string][]string{
	"DeviceType":            deviceTypes,
	"DeviceStatus":          deviceStatuses,
	"FirmwareVersionStatus": versionStatuses,
	"CPLStatus":             versionStatuses,
	"ESMEVariant":           esmeVariants,
	"CSPRegion":             cspRegions,
	"Connectivity":          connectivities,
}
