/* MathJax 2 settings for the offline notebook pages (make notebooks-html copies this file to
 * out/notebooks/mathjax/config/local/offline.js and names it in the page's MathJax URL).
 * jupyter-server-mathjax ships only the STIX-Web fonts, so HTML-CSS output must use them: its default
 * (TeX fonts) is not there and the maths would fall back to plain upright serif. */
MathJax.Hub.Config({
  "HTML-CSS": { availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null }
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/offline.js");
