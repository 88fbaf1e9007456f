// Progressive enhancement only: every page works without this file.
// Remembers the scroll position of the horizontal column bar on phones, and focuses the search box
// on the search page when it is empty.
(function () {
  var nav = document.querySelector('.site-nav ul')
  var current = nav && nav.querySelector('[aria-current="page"]')
  if (current && current.scrollIntoView && nav.scrollWidth > nav.clientWidth) {
    current.scrollIntoView({ block: 'nearest', inline: 'center' })
  }
  var q = document.querySelector('.search-form input[name="q"]')
  if (q && !q.value) q.focus()
})()
