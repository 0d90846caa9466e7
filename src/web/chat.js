// The residents' web chat page (GET /chat): served as a file of its own, since the page's
// Content-Security-Policy runs no inline script.
(() => {
  // Each browser gets a random, unguessable contact id: the only key to its cases and pushes.
  let contact = localStorage.getItem('sanling-contact');
  if (!contact) {
    contact = crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    localStorage.setItem('sanling-contact', contact);
  }
  const log = document.getElementById('log');
  const input = document.getElementById('text');

  function add(who, content, isImage) {
    const row = document.createElement('div');
    row.className = 'row' + (who === 'me' ? ' me' : '');
    const avatar = document.createElement('div');
    avatar.className = 'avatar';
    avatar.textContent = who === 'me' ? '我' : '三零';
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    if (isImage) {
      const img = document.createElement('img');
      img.src = content;
      img.alt = '照片';
      bubble.appendChild(img);
    } else bubble.textContent = content;
    row.append(avatar, bubble);
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
  }

  async function post(body) {
    try {
      const res = await fetch('/chat/api/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: contact, name: '网友', id: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random(), ...body }),
      });
      const data = await res.json();
      (data.replies || [data.error || '发送失败，请稍后再试。']).forEach((r) => add('bot', r));
    } catch (e) {
      add('bot', '网络不太稳定，请稍后再试。');
    }
  }

  function send() {
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    add('me', text);
    post({ text });
  }
  document.getElementById('send').addEventListener('click', send);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.isComposing) send();
  });
  document.getElementById('photo').addEventListener('change', (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      add('me', reader.result, true);
      post({ image: { name: file.name, mimeType: file.type, data: String(reader.result).split(',')[1] } });
    };
    reader.readAsDataURL(file);
  });

  // Status changes and return visits arrive as pushes: poll for them, acknowledging the last one
  // shown, so a push whose answer got lost on the way is offered again rather than lost.
  let polling = false;
  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const ack = localStorage.getItem('sanling-ack') || '';
      const res = await fetch('/chat/api/messages?contact=' + encodeURIComponent(contact) + '&ack=' + encodeURIComponent(ack));
      const data = await res.json();
      (data.messages || []).forEach((m) => add('bot', m));
      if (data.ack) localStorage.setItem('sanling-ack', data.ack);
    } catch (e) {
      /* try again next time */
    } finally {
      polling = false;
    }
  }
  setInterval(poll, 5000);
  if (!localStorage.getItem('sanling-greeted')) {
    localStorage.setItem('sanling-greeted', '1');
    post({ text: '你好' });
  }
  poll();
})();
