// @ts-check
/**
 * The model picker: its choices come from `GET /server/models`, and the
 * choice is remembered per conversation (in the conversation list). A
 * conversation without a choice gets the server's default model.
 */
export class ModelPicker {
  constructor({ select, api, list }) {
    this.select = select;
    this.api = api;
    this.list = list;
    this.models = [];
    this.conversationId = undefined;
    select.addEventListener('change', () => {
      if (this.conversationId) {
        this.list.rememberModel(this.conversationId, select.value);
      }
    });
  }

  /** The chosen model, or undefined before the list arrived (the server then picks). */
  get value() {
    return this.models.length > 0 ? this.select.value : undefined;
  }

  async load() {
    try {
      ({ models: this.models } = await this.api.listModels());
    } catch {
      this.models = [];
    }
    this.select.replaceChildren(
      ...this.models.map((model) => new Option(model.id, model.id)),
    );
    this.select.disabled = this.models.length < 2;
    this.select.hidden = this.models.length === 0;
    this.show(this.conversationId);
  }

  /** Shows the model of the conversation now on screen. */
  show(conversationId) {
    this.conversationId = conversationId;
    if (this.models.length === 0) return;
    const remembered = conversationId
      ? this.list.get(conversationId)?.model
      : undefined;
    const fallback = this.models.find((m) => m.default) ?? this.models[0];
    this.select.value = this.models.some((m) => m.id === remembered)
      ? remembered
      : fallback.id;
  }
}
