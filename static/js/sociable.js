// Sociable: starts GOV.UK Frontend's JavaScript.
//
// Load as an ES module from the base template (no inline script, to satisfy
// our Content-Security-Policy):
//   <script type="module" src="{% static 'js/sociable.js' %}"></script>
//
// Browsers that do not support ES modules never run this file, so every
// browser that does run it gets `govuk-frontend-supported`, the <body> class
// GOV.UK Frontend v5+/v6 checks (isSupported()) before enhancing components.
// `js-enabled` is the older class name, kept for any CSS of our own.
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
