// Package assets embeds everything the server ships besides code: HTML
// templates, static files (CSS, a little JavaScript, images), translations,
// and the seed curriculum.
package assets

import (
	"embed"
	"io/fs"
	"os"
)

//go:embed templates static i18n seed fonts
var embedded embed.FS

// FS returns the assets. When dir is not empty they are read from that folder
// on disk instead (TADRIB_DEV_ASSETS), so that template and CSS edits show
// without a rebuild; production uses the embedded copy.
func FS(dir string) fs.FS {
	if dir != "" {
		return os.DirFS(dir)
	}
	return embedded
}
