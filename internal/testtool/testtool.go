// Package testtool lets specs depend on outside judges (tshark, xmllint, xmlsec1, socat, ser2net)
// without failing on a machine that lacks them: a missing tool skips the spec with a message that
// names the Debian package to install, which .ci/run installs so that nothing skips in CI.
package testtool

import (
	"fmt"
	"os/exec"

	"github.com/onsi/ginkgo/v2"
)

// Packages maps each outside tool to the Debian package that provides it.
var Packages = map[string]string{
	"tshark":   "tshark",
	"xmllint":  "libxml2-utils",
	"xmlsec1":  "xmlsec1",
	"socat":    "socat",
	"ser2net":  "ser2net",
	"chromium": "chromium",
}

// Require returns the path of the named tool, or skips the current spec with a message naming the
// Debian package that provides it.
func Require(tool string) string {
	path, err := exec.LookPath(tool)
	if err != nil {
		pkg := Packages[tool]
		if pkg == "" {
			pkg = tool
		}
		ginkgo.Skip(fmt.Sprintf("%s not found on PATH: install the Debian package %q (apt-get install %s)", tool, pkg, pkg))
	}
	return path
}
