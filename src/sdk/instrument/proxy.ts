/** Runs in place of one client method; `orig` must be called with `self` to keep the client's behaviour. */
export type MethodHook = (orig: (...a: unknown[]) => unknown, self: unknown, args: unknown[]) => unknown;

/** Which methods to hook, by dotted resource path: { "chat.completions": { create: hook } }. */
export type Plan = Record<string, Record<string, MethodHook>>;

interface Node {
  children: Map<string, Node>;
  hooks: Map<string, MethodHook>;
}

function tree(plan: Plan): Node {
  const root: Node = { children: new Map(), hooks: new Map() };
  for (const [path, hooks] of Object.entries(plan)) {
    let node = root;
    for (const part of path === "" ? [] : path.split(".")) {
      let next = node.children.get(part);
      if (next === undefined) {
        next = { children: new Map(), hooks: new Map() };
        node.children.set(part, next);
      }
      node = next;
    }
    for (const [name, hook] of Object.entries(hooks)) node.hooks.set(name, hook);
  }
  return root;
}

const wrappedClients = new WeakSet<object>();

function proxyFor<T extends object>(target: T, node: Node, root: object | null): T {
  const isClient = root === null;
  const children = new WeakMap<object, object>();
  const fns = new WeakMap<object, unknown>();
  const proxy: T = new Proxy(target, {
    get(t, prop) {
      // The target as receiver: client getters may read private fields that a proxy lacks.
      const value: unknown = Reflect.get(t, prop);
      if (typeof prop !== "string" || value === null) return value;
      // Resource helpers (chat.completions.parse/stream, responses.stream) call
      // this._client.<resource>.create: handing them the wrapped client records those too.
      if (prop === "_client" && root !== null && typeof value === "object") return root;
      const child = node.children.get(prop);
      if (child !== undefined && typeof value === "object") {
        let p = children.get(value);
        if (p === undefined) {
          p = proxyFor(value, child, root ?? proxy);
          children.set(value, p);
        }
        return p;
      }
      if (typeof value !== "function" || prop === "constructor") return value;
      let fn = fns.get(value);
      if (fn !== undefined) return fn;
      const hook = node.hooks.get(prop);
      const orig = value as (...a: unknown[]) => unknown;
      if (hook !== undefined) {
        fn = function (this: unknown, ...args: unknown[]) {
          return hook(orig, this === proxy ? t : this, args);
        };
      } else if (isClient) {
        // Client methods use private class state: call them on the real client.
        fn = orig.bind(t);
      } else {
        // Resource helpers (e.g. messages.stream) call this.create: through the proxy they are recorded too.
        return value;
      }
      fns.set(value, fn);
      return fn;
    },
  });
  return proxy;
}

/**
 * Returns a proxy of `client` whose planned methods run through hooks; everything else
 * (types, instanceof, other resources, options) is the client's own. Wrapping a wrapped
 * client returns it unchanged.
 */
export function instrument<T extends object>(client: T, plan: Plan): T {
  if (typeof client !== "object" || client === null || wrappedClients.has(client)) return client;
  const p = proxyFor(client, tree(plan), null);
  wrappedClients.add(p);
  return p;
}
