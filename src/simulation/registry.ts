// Named factories for the swappable parts of the simulation (therapy controllers, CGM sensors): the
// built-in ones are registered by their folders, and a user's own part is registered under a new
// name and chosen by that name, without editing the minute loop.

export class PartRegistry<Factory> {
  private readonly factories = new Map<string, Factory>();

  constructor(private readonly part: string) {}

  /** Adds a part; a name already taken is refused, so a built-in part is never replaced by accident. */
  register(name: string, factory: Factory): void {
    if (this.factories.has(name)) throw new Error(`a ${this.part} named "${name}" is already registered`);
    this.factories.set(name, factory);
  }

  get(name: string): Factory {
    const factory = this.factories.get(name);
    if (!factory) throw new Error(`no ${this.part} named "${name}"; registered: ${this.names().join(', ')}`);
    return factory;
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }

  names(): string[] {
    return [...this.factories.keys()];
  }
}
