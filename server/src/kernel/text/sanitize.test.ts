import { describe, expect, it } from 'vitest'
import { findExecutableContext, elementTags } from './fixtures/inspect-html.js'
import { html5secVectors, mutationVectors, owaspLessThanSpellings, owaspVectors } from './fixtures/xss-vectors.js'
import { sanitizeProfiles } from './profiles.js'
import { htmlToPlainText, sanitizeHtml, type SanitizeProfile } from './sanitize.js'

const vectorSets: Record<string, string[]> = {
  'html5sec.org': html5secVectors,
  'OWASP filter evasion': owaspVectors,
  'OWASP "<" spellings': owaspLessThanSpellings.map((lt) => `<p>${lt}img src=x onerror=alert(1)>${lt}/p></p>`),
  'mutation XSS': mutationVectors,
}

/** Each vector's sanitised output, checked as a browser would parse it, plus the fixed-point property. */
function auditVectors(vectors: string[], profile: SanitizeProfile) {
  const failures: Array<{ vector: string; output: string; problems: string[] }> = []
  for (const vector of vectors) {
    const { html } = sanitizeHtml(vector, profile)
    const problems = findExecutableContext(html, profile)
    const again = sanitizeHtml(html, profile).html
    if (again !== html) problems.push(`not idempotent: second pass gave ${JSON.stringify(again)}`)
    if (problems.length > 0) failures.push({ vector, output: html, problems })
  }
  return failures
}

describe('sanitizeHtml against published XSS vectors', () => {
  for (const [source, vectors] of Object.entries(vectorSets)) {
    it.each(sanitizeProfiles)(`${source} (${vectors.length} vectors): nothing executable in the %s profile`, (profile) => {
      expect(vectors.length).toBeGreaterThan(0)
      expect(auditVectors(vectors, profile)).toEqual([])
    })
  }

  it('the inspector itself catches executable output (so the audit above can fail)', () => {
    expect(findExecutableContext('<img src=x onerror=alert(1)>', 'story')).toContain('event handler onerror on <img>')
    expect(findExecutableContext('<a href=" jav&#x09;ascript:alert(1)">x</a>', 'story')).toContain('javascript: URL in href on <a>')
    expect(findExecutableContext('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', 'story'))
      .toEqual(expect.arrayContaining(['element <noscript> is not allowed', 'event handler onerror on <img>']))
    expect(findExecutableContext('<svg><a href="https://x.example/">x</a></svg>', 'story').join()).toContain('foreign element')
    expect(findExecutableContext('<p style="color:red">x</p>', 'story')).toContain('style attribute on <p>')
    // Unsanitised, the collections are overwhelmingly flagged: the audit is not vacuous.
    const raw = [...html5secVectors, ...owaspVectors, ...mutationVectors]
    const flagged = raw.filter((vector) => findExecutableContext(vector, 'story').length > 0)
    expect(flagged.length / raw.length).toBeGreaterThan(0.8)
  })

  it('turns the nested-table img onerror into a plain image or nothing', () => {
    const { html, removed } = sanitizeHtml(
      '<table><tr><td><table><tr><td><img src="https://example.org/a.png" onerror=alert(1)></td></tr></table></td></tr></table>',
      'story',
    )
    expect(html).toBe('<table><tr><td><table><tr><td><img src="https://example.org/a.png" /></td></tr></table></td></tr></table>')
    expect(removed).toContainEqual({ tag: 'img', attribute: 'onerror', reason: 'event_handler' })
  })
})

const editorHtml = [
  '<h2 class="text-center">市政府召开常务会议</h2>',
  '<p>会议由<strong>市长</strong>主持，<em>研究部署</em>近期<u>重点</u>工作<sup><a id="fn-ref-1" href="#fn-1">[1]</a></sup>。',
  'H<sub>2</sub>O 与 <s>旧提法</s>，<span class="highlight">重点标注</span>。</p>',
  '<h3>一、经济运行</h3>',
  '<ul><li><p>一季度地区生产总值增长 5.2%</p></li><li><p>规上工业增加值增长 6.1%</p></li></ul>',
  '<ol start="3"><li><p>推进项目建设</p><ol><li><p>子项</p></li></ol></li></ol>',
  '<blockquote><p>要把民生实事办好办实。</p></blockquote>',
  '<h4>数据表</h4>',
  '<table><thead><tr><th colspan="2">指标</th><th rowspan="2">备注</th></tr></thead>',
  '<tbody><tr><td>产值</td><td>120 亿元</td><td>同比</td></tr></tbody></table>',
  '<figure><img src="/media/2024/05/photo.jpg" alt="会议现场" width="800" height="600" />',
  '<figcaption>会议现场（记者 张三 摄）</figcaption></figure>',
  '<figure><img src="https://img.example.gov.cn/a.png" alt="" /><figcaption>示意图</figcaption></figure>',
  '<p><img src="/api/v1/assets/0f8c2c1e-8a1b-4c55-9a8e-1b2c3d4e5f60" alt="附图" /></p>',
  '<p>详见<a href="https://www.gov.cn/zhengce/" target="_blank" rel="noopener noreferrer nofollow">政策原文</a>，',
  '来信请寄<a href="mailto:news@example.gov.cn">news@example.gov.cn</a>。<br />第二行</p>',
  '<hr />',
  '<ol class="footnotes"><li id="fn-1"><p>数据来源：市统计局。 <a href="#fn-ref-1">↑</a></p></li></ol>',
].join('')

describe('sanitizeHtml keeps what the editor produces', () => {
  it.each(['story', 'website'] as const)('realistic editor HTML survives the %s profile unchanged', (profile) => {
    const result = sanitizeHtml(editorHtml, profile)
    expect(result.removed).toEqual([])
    expect(result.html).toBe(editorHtml)
  })

  it('forces rel on external links and keeps only _blank as a target', () => {
    const { html } = sanitizeHtml('<p><a href="https://example.org/" target="_top" rel="opener">x</a><a href="mailto:a@b.cn" target="_blank" rel="x">m</a></p>', 'story')
    expect(html).toBe('<p><a href="https://example.org/" rel="noopener noreferrer nofollow">x</a><a href="mailto:a@b.cn">m</a></p>')
  })

  it('maps pasted b/i/h1/h5 onto allowed tags instead of flattening them', () => {
    expect(sanitizeHtml('<h1>标题</h1><p><b>粗</b><i>斜</i></p><h6>小</h6>', 'story').html)
      .toBe('<h2>标题</h2><p><strong>粗</strong><em>斜</em></p><h4>小</h4>')
  })

  it('says what it dropped and why', () => {
    const { removed } = sanitizeHtml(
      '<p style="color:red" onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)" title="t">b</a>'
      + '<img src="http://example.org/a.png"><span class="evil highlight">c</span><td colspan="x">d</td></p>',
      'story',
    )
    expect(removed).toEqual(expect.arrayContaining([
      { tag: 'p', attribute: 'style', reason: 'style_not_allowed' },
      { tag: 'p', attribute: 'onclick', reason: 'event_handler' },
      { tag: 'script', reason: 'tag_not_allowed' },
      { tag: 'a', attribute: 'href', reason: 'unsafe_url' },
      { tag: 'a', attribute: 'title', reason: 'attribute_not_allowed' },
      { tag: 'img', attribute: 'src', reason: 'url_not_allowed' },
      { tag: 'img', reason: 'image_without_source' },
      { tag: 'span', attribute: 'class', reason: 'class_not_allowed' },
    ]))
  })

  it('keeps footnote ids only in the fn- namespace (no DOM clobbering)', () => {
    expect(sanitizeHtml('<ol><li id="fn-2">a</li><li id="location">b</li></ol><p><a href="#top">c</a></p>', 'story').html)
      .toBe('<ol><li id="fn-2">a</li><li>b</li></ol><p><a>c</a></p>')
  })
})

describe('the wechat profile', () => {
  it('keeps links to WeChat articles only and drops classes and ids', () => {
    const { html, removed } = sanitizeHtml(
      '<p class="text-center">看<a href="https://mp.weixin.qq.com/s/abc">往期</a>和<a href="https://www.gov.cn/">官网</a><sup><a id="fn-ref-1" href="#fn-1">[1]</a></sup></p>',
      'wechat',
    )
    expect(html).toBe('<p>看<a href="https://mp.weixin.qq.com/s/abc">往期</a>和<a>官网</a><sup><a>[1]</a></sup></p>')
    expect(removed).toContainEqual({ tag: 'a', attribute: 'href', reason: 'url_not_allowed' })
  })

  it('keeps safe inline styles and drops the rest', () => {
    const { html } = sanitizeHtml(
      '<p style="text-align: center; color: #333; font-size: 16px; margin: 0 0 10px 0; line-height: 1.75; background: url(x); position: fixed">x</p>',
      'wechat',
    )
    expect(html).toBe('<p style="text-align:center;color:#333;font-size:16px;margin:0 0 10px 0;line-height:1.75">x</p>')
  })

  it('keeps uploaded image URLs for the publisher to replace', () => {
    expect(sanitizeHtml('<p><img src="/media/a.png" alt="图" /></p>', 'wechat').html).toBe('<p><img src="/media/a.png" alt="图" /></p>')
  })
})

describe('the plain profile and htmlToPlainText', () => {
  it('gives escaped text with one line per block', () => {
    const { html } = sanitizeHtml('<h2>标题 &amp; 副题</h2><p>第一段<br>第二行 &lt;b&gt;</p><script>alert(1)</script>', 'plain')
    expect(html).toBe('标题 &amp; 副题\n第一段\n第二行 &lt;b&gt;')
    expect(elementTags(html)).toEqual([])
  })

  it('reads blocks as lines, cells as tabs, decodes entities and skips hidden content', () => {
    const text = htmlToPlainText(
      '<h2>一、概况</h2>\n  <p>全市&nbsp;GDP&#x3000;增长&lt;5%&gt;</p><ul>\n<li>甲</li>\n<li>乙</li></ul>'
      + '<table><tr><td>指标</td><td>数值</td></tr><tr><td>产值</td><td>120</td></tr></table>'
      + '<style>p{}</style><script>var a = "<p>x</p>"</script><template><p>t</p></template><p>完</p>',
    )
    expect(text).toBe('一、概况\n全市 GDP\u3000增长<5%>\n甲\n乙\n指标\t数值\n产值\t120\n完')
  })

  it('is a fixed point on its own output', () => {
    const once = htmlToPlainText(editorHtml)
    const escaped = once.replace(/&/g, '&amp;').replace(/</g, '&lt;')
    expect(htmlToPlainText(escaped)).toBe(once)
    expect(once.split('\n')[0]).toBe('市政府召开常务会议')
  })
})
