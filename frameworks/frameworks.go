// Package frameworks embeds the built-in indicator framework files.
package frameworks

import "embed"

// FS holds the built-in frameworks, one YAML file each, named after the framework id.
//
//go:embed *.yaml
var FS embed.FS
