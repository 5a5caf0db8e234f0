// The device's store (IndexedDB "synergy-field"): every record encrypted with AES-GCM under a
// key the server hands to a signed-in session, kept here only as a non-extractable CryptoKey.
// Wiping deletes the whole database, key included: no key, no data.
(function (root) {
  "use strict";
  const NAME = "synergy-field";
  const STORES = ["meta", "queue"];

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function open() {
    const req = indexedDB.open(NAME, 1);
    req.onupgradeneeded = () => {
      for (const name of STORES) {
        if (!req.result.objectStoreNames.contains(name)) req.result.createObjectStore(name);
      }
    };
    return request(req);
  }

  let connection = null;

  async function tx(store, mode, work) {
    if (!connection) {
      connection = await open();
      // Another tab deleting the database (a sign-out) must not wait for this connection.
      connection.onversionchange = () => {
        connection.close();
        connection = null;
      };
    }
    const db = connection;
    {
      const t = db.transaction(store, mode);
      const result = await work(t.objectStore(store));
      await new Promise((resolve, reject) => {
        t.oncomplete = resolve;
        t.onerror = () => reject(t.error);
        t.onabort = () => reject(t.error);
      });
      return result;
    }
  }

  const Store = {
    async getMeta(name) {
      return tx("meta", "readonly", (s) => request(s.get(name)));
    },
    async setMeta(name, value) {
      return tx("meta", "readwrite", (s) => request(s.put(value, name)));
    },
    async setKey(base64) {
      const raw = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
      await this.setMeta("key", key);
      return key;
    },
    async encrypt(value) {
      const key = await this.getMeta("key");
      if (!key) throw new Error("no key");
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const data = new TextEncoder().encode(JSON.stringify(value));
      const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, data);
      return { iv: iv, sealed: sealed };
    },
    async decrypt(box) {
      const key = await this.getMeta("key");
      if (!key) throw new Error("no key");
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.sealed);
      return JSON.parse(new TextDecoder().decode(plain));
    },
    async setSealed(name, value) {
      return this.setMeta(name, await this.encrypt(value));
    },
    async getSealed(name) {
      const box = await this.getMeta(name);
      return box ? this.decrypt(box) : null;
    },
    async put(store, id, value) {
      const box = await this.encrypt(value);
      return tx(store, "readwrite", (s) => request(s.put(box, id)));
    },
    async remove(store, id) {
      return tx(store, "readwrite", (s) => request(s.delete(id)));
    },
    async all(store) {
      const boxes = await tx(store, "readonly", (s) => request(s.getAll()));
      const out = [];
      for (const box of boxes) out.push(await this.decrypt(box));
      return out;
    },
    async replace(store, entries) {
      const boxes = [];
      for (const [id, value] of entries) boxes.push([id, await this.encrypt(value)]);
      return tx(store, "readwrite", async (s) => {
        await request(s.clear());
        for (const [id, box] of boxes) s.put(box, id);
      });
    },
    async wipe() {
      if (connection) {
        connection.close();
        connection = null;
      }
      await new Promise((resolve) => {
        const req = indexedDB.deleteDatabase(NAME);
        req.onsuccess = req.onerror = req.onblocked = () => resolve();
      });
    },
    async exists() {
      if (!indexedDB.databases) return true;
      const dbs = await indexedDB.databases();
      return dbs.some((db) => db.name === NAME);
    },
  };
  root.SynergyStore = Store;
})(window);
