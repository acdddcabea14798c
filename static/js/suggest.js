// Suggest existing skills as people type in a comma-separated skills box.
// Progressive enhancement: without JavaScript the box is a plain text field and
// the server matches names to existing skills on save.
const form = document.querySelector('form[data-suggest-url]')

function lastTerm (value) {
  const parts = value.split(',')
  return parts[parts.length - 1].trim()
}

function enhance (input, url) {
  const list = document.createElement('ul')
  list.className = 'sociable-suggestions'
  list.id = `${input.id}-suggestions`
  list.setAttribute('role', 'listbox')
  list.hidden = true
  input.after(list)
  input.setAttribute('role', 'combobox')
  input.setAttribute('aria-autocomplete', 'list')
  input.setAttribute('aria-controls', list.id)
  input.setAttribute('aria-expanded', 'false')
  let active = -1
  let timer = null

  function close () {
    list.hidden = true
    list.replaceChildren()
    input.setAttribute('aria-expanded', 'false')
    input.removeAttribute('aria-activedescendant')
    active = -1
  }

  function choose (name) {
    const parts = input.value.split(',')
    parts[parts.length - 1] = ` ${name}`
    input.value = `${parts.join(',').trim()}, `
    close()
    input.focus()
  }

  function highlight (index) {
    const items = list.querySelectorAll('li')
    items.forEach((item, i) => item.setAttribute('aria-selected', String(i === index)))
    active = index
    if (items[index]) input.setAttribute('aria-activedescendant', items[index].id)
  }

  async function fetchSuggestions () {
    const term = lastTerm(input.value)
    if (term.length < 2) return close()
    const response = await fetch(`${url}?q=${encodeURIComponent(term)}&kind=${input.dataset.suggest}`, { credentials: 'same-origin' })
    if (!response.ok) return close()
    const { suggestions } = await response.json()
    list.replaceChildren(...suggestions.map((name, i) => {
      const item = document.createElement('li')
      item.id = `${list.id}-${i}`
      item.setAttribute('role', 'option')
      item.textContent = name
      item.addEventListener('mousedown', (event) => { event.preventDefault(); choose(name) })
      return item
    }))
    list.hidden = suggestions.length === 0
    input.setAttribute('aria-expanded', String(suggestions.length > 0))
    active = -1
  }

  input.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(fetchSuggestions, 200)
  })
  input.addEventListener('keydown', (event) => {
    const items = list.querySelectorAll('li')
    if (list.hidden || items.length === 0) return
    if (event.key === 'ArrowDown') { event.preventDefault(); highlight((active + 1) % items.length) }
    if (event.key === 'ArrowUp') { event.preventDefault(); highlight((active - 1 + items.length) % items.length) }
    if (event.key === 'Enter' && active >= 0) { event.preventDefault(); choose(items[active].textContent) }
    if (event.key === 'Escape') close()
  })
  input.addEventListener('blur', () => setTimeout(close, 100))
}

if (form) {
  form.querySelectorAll('input[data-suggest]').forEach((input) => enhance(input, form.dataset.suggestUrl))
}
