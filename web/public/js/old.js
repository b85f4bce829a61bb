// Loaded only by browsers without ES module support (nomodule): say so instead of a blank page.
var m = document.getElementById('msg');
if (m) m.textContent = 'Browser ini terlalu lama untuk halaman ini. Perbarui browser atau buka tautan di Chrome. / This browser is too old for this page.';
