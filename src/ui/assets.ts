// The stylesheet, served by the Worker itself at /assets/app.css: pages load nothing from
// outside hosts. Logical properties (inline-start/end) so Arabic pages mirror correctly.
export const APP_CSS = `
:root{--fg:#18181b;--muted:#52525b;--bg:#fafafa;--card:#fff;--line:#d4d4d8;--accent:#1d4ed8;--accent-fg:#fff;--danger:#b91c1c;--ok:#15803d;--warn:#a16207;--radius:8px;--text-scale:1}
*{box-sizing:border-box}
html{font-size:calc(100% * var(--text-scale))}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Naskh Arabic",Tahoma,sans-serif;line-height:1.6;color:var(--fg);background:var(--bg)}
[dir=rtl] body{line-height:1.8}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.skip{position:absolute;inset-inline-start:-999px;top:0;background:var(--card);padding:.5rem 1rem;z-index:10}
.skip:focus{inset-inline-start:.5rem}
header.site{background:var(--card);border-block-end:1px solid var(--line)}
header.site .bar{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between;max-width:68rem;margin:0 auto;padding:.75rem 1rem}
header.site .brand{font-weight:700;font-size:1.15rem;color:var(--fg);text-decoration:none}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}
nav a{text-decoration:none}
nav a[aria-current=page]{font-weight:700;text-decoration:underline}
main{max-width:68rem;margin:0 auto;padding:1.5rem 1rem 3rem}
footer.site{max-width:68rem;margin:0 auto;padding:1rem;color:var(--muted);font-size:.875rem;border-block-start:1px solid var(--line)}
h1{font-size:1.75rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.3rem;margin:2rem 0 .75rem}
.lead{font-size:1.1rem;color:var(--muted);max-width:46rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1rem;padding:0;list-style:none}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:1rem 1.25rem}
.card h3{margin:.25rem 0 .5rem;font-size:1.1rem}
.muted{color:var(--muted)}
.badge{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.8rem;border:1px solid currentColor}
.badge.ok{color:var(--ok)}.badge.warn{color:var(--warn)}.badge.danger{color:var(--danger)}
form.stack{display:grid;gap:1rem;max-width:34rem}
label{font-weight:600;display:block;margin-block-end:.25rem}
.hint{font-weight:400;color:var(--muted);font-size:.9rem}
input[type=text],input[type=email],input[type=password],input[type=url],input[type=number],input[type=datetime-local],input[type=search],select,textarea{width:100%;font:inherit;padding:.55rem .7rem;border:1px solid #71717a;border-radius:6px;background:#fff;color:var(--fg)}
textarea{min-height:8rem}
.field-error{color:var(--danger);font-size:.9rem;margin:.25rem 0 0}
[aria-invalid=true]{border-color:var(--danger)!important}
button,.button{display:inline-block;font:inherit;font-weight:600;border:0;border-radius:6px;padding:.6rem 1.1rem;background:var(--accent);color:var(--accent-fg);cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#e4e4e7;color:var(--fg)}
button.danger{background:var(--danger)}
button.link{background:none;color:var(--accent);padding:0;text-decoration:underline;font-weight:400}
.notice{border-inline-start:4px solid var(--accent);background:#eff6ff;padding:.75rem 1rem;border-radius:4px;margin:1rem 0}
.notice.error{border-color:var(--danger);background:#fef2f2}
.notice.ok{border-color:var(--ok);background:#f0fdf4}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{text-align:start;padding:.5rem .6rem;border-block-end:1px solid var(--line);vertical-align:top}
th{font-size:.85rem;color:var(--muted)}
.table-wrap{overflow-x:auto}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.inline{display:inline}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
iframe.preview{width:100%;min-height:32rem;border:1px solid var(--line);border-radius:var(--radius);background:#fff}
pre.text{white-space:pre-wrap;background:var(--card);border:1px solid var(--line);padding:1rem;border-radius:var(--radius)}
.api-op{margin:1rem 0;padding:1rem;background:var(--card);border:1px solid var(--line);border-radius:var(--radius)}
.api-op h3{margin:0 0 .5rem;font-size:1rem}
.method{font-family:ui-monospace,monospace;font-weight:700;text-transform:uppercase;margin-inline-end:.5rem}
.block{display:block}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0}
dl.facts dt{font-weight:600;color:var(--muted)}
dl.facts dd{margin:0}
fieldset{border:1px solid var(--line);border-radius:6px;padding:.5rem 1rem}
legend{font-weight:600;padding:0 .25rem}
label.check{display:flex;gap:.5rem;align-items:baseline;font-weight:400;margin:.25rem 0}
.prose{max-width:46rem}
.prose h1,.prose h2,.prose h3{margin-top:1.5rem}
@media (max-width:40rem){h1{font-size:1.45rem}main{padding:1rem .75rem 2rem}}
`;
