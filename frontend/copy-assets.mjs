// Copies GOV.UK Frontend's compiled JavaScript into ../static/govuk/.
//
// The source map is copied too: govuk-frontend.min.js ends with a
// sourceMappingURL comment, and Django's ManifestStaticFilesStorage fails
// collectstatic if that file is missing.
//
// No files from dist/govuk/assets/ are copied: the fonts are GDS Transport
// (GOV.UK services only) and every image (favicon, app icons, crest, manifest
// icons, Open Graph image) carries the GOV.UK crown. If GOV.UK Frontend's CSS
// ever refers to an image, _image-url.scss stops the build.
import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const src = join(here, 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const dest = join(here, '..', 'static', 'govuk')

mkdirSync(dest, { recursive: true })
for (const name of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
  copyFileSync(join(src, name), join(dest, name))
  console.log(`copied ${name} -> static/govuk/${name}`)
}
