// @ts-check
const MAX_HEIGHT_PX = 200;

/**
 * The message box: Enter sends, Shift+Enter starts a new line (and Enter
 * while an input method composes text is left to it). While a reply is being
 * written the box is disabled and the Send button becomes Stop; focus follows,
 * so a keyboard user can stop with Enter and type again once it is over.
 */
export class Composer {
  constructor({ form, input, send, stop, onSend, onStop }) {
    this.form = form;
    this.input = input;
    this.sendButton = send;
    this.stopButton = stop;
    this.busy = false;
    this.idlePlaceholder = input.placeholder;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit(onSend);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit(onSend);
      }
    });
    input.addEventListener('input', () => this.refresh());
    stop.addEventListener('click', () => onStop());
    this.refresh();
  }

  submit(onSend) {
    const text = this.input.value.trim();
    if (this.busy || !text) return;
    this.input.value = '';
    this.refresh();
    onSend(text);
  }

  /** Puts text back (a send that failed) unless the person already typed something else. */
  restore(text) {
    if (this.input.value) return;
    this.input.value = text;
    this.refresh();
  }

  setBusy(busy) {
    if (busy === this.busy) return;
    const active = document.activeElement;
    const hadFocus =
      active === this.input ||
      active === this.stopButton ||
      active === this.sendButton;
    this.busy = busy;
    this.input.disabled = busy;
    this.input.placeholder = busy
      ? 'The assistant is replying…'
      : this.idlePlaceholder;
    this.sendButton.hidden = busy;
    this.stopButton.hidden = !busy;
    this.form.classList.toggle('busy', busy);
    if (hadFocus || (!busy && document.activeElement === document.body)) {
      (busy ? this.stopButton : this.input).focus();
    }
    this.refresh();
  }

  focus() {
    if (!this.busy) this.input.focus();
  }

  refresh() {
    this.sendButton.disabled = this.busy || this.input.value.trim() === '';
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, MAX_HEIGHT_PX)}px`;
  }
}
