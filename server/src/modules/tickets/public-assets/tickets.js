// Progressive enhancement for the 留言办理 pages; everything works without it.
;(function () {
  'use strict'
  // Character counter for text areas with data-maxlength.
  document.querySelectorAll('textarea[data-maxlength]').forEach(function (area) {
    var counter = document.querySelector('[data-counter-for="' + area.id + '"]')
    if (!counter) return
    var max = Number(area.getAttribute('data-maxlength'))
    var update = function () {
      var n = Array.from(area.value).length
      counter.textContent = '已输入 ' + n + ' / ' + max + ' 字'
    }
    area.addEventListener('input', update)
    update()
  })

  // FAQ suggestions as the title is typed.
  var form = document.querySelector('form[data-center]')
  var source = document.querySelector('[data-faq-source]')
  var live = document.getElementById('faq-live')
  if (form && source && live && window.fetch) {
    var center = form.getAttribute('data-center')
    var timer = null
    var last = ''
    var render = function (items) {
      live.textContent = ''
      if (items.length === 0) return
      var title = document.createElement('p')
      title.className = 'tk-hint'
      title.textContent = '这些常见问题可能已经有答案：'
      var list = document.createElement('ul')
      list.className = 'tk-faq-list'
      items.forEach(function (item) {
        var li = document.createElement('li')
        var details = document.createElement('details')
        var summary = document.createElement('summary')
        summary.textContent = item.question
        var answer = document.createElement('div')
        answer.className = 'tk-faq-answer'
        answer.textContent = item.answer
        details.appendChild(summary)
        details.appendChild(answer)
        li.appendChild(details)
        list.appendChild(li)
      })
      live.appendChild(title)
      live.appendChild(list)
    }
    source.addEventListener('input', function () {
      clearTimeout(timer)
      timer = setTimeout(function () {
        var q = source.value.trim()
        if (q === last) return
        last = q
        if (Array.from(q).length < 2) return render([])
        fetch('/api/v1/public/' + encodeURIComponent(center) + '/faq/suggest?limit=3&q=' + encodeURIComponent(q), { headers: { accept: 'application/json' } })
          .then(function (res) { return res.ok ? res.json() : { items: [] } })
          .then(function (body) { if (q === last) render(body.items || []) })
          .catch(function () { /* suggestions are a help, not a step */ })
      }, 400)
    })
  }

  // Copy button for the lookup code.
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    var target = document.getElementById(button.getAttribute('data-copy'))
    if (!target || !navigator.clipboard) return
    button.hidden = false
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = '已复制'
      })
    })
  })

  // After a refused submission, bring the reader to the list of problems.
  var summary = document.getElementById('error-summary')
  if (summary) summary.focus()
})()
