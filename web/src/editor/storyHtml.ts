/**
 * The editor's HTML made to fit the server's story profile (server/src/kernel/text/profiles.ts)
 * before it is sent: no inline style anywhere (the table extension writes widths on <table>,
 * <colgroup>/<col> and cells), no column-width or data attributes. What the sanitiser would
 * strip anyway is dropped here, so its `sanitizerRemoved` report only names real surprises.
 */
export function toStoryHtml(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html')
  doc.querySelectorAll('colgroup').forEach((el) => el.remove())
  doc.body.querySelectorAll('*').forEach((el) => {
    for (const name of el.getAttributeNames()) {
      if (name === 'style' || name === 'colwidth' || name === 'title' || name.startsWith('data-')) el.removeAttribute(name)
    }
    // Tables default to one column and one row per cell; saying so is noise.
    if ((el.tagName === 'TD' || el.tagName === 'TH') && el.getAttribute('colspan') === '1') el.removeAttribute('colspan')
    if ((el.tagName === 'TD' || el.tagName === 'TH') && el.getAttribute('rowspan') === '1') el.removeAttribute('rowspan')
  })
  return doc.body.innerHTML
}
