// Loaded on every page seen signed out: the field app's store (children's data) must not
// outlive the session that was allowed to read it.
if (window.indexedDB) {
  window.indexedDB.deleteDatabase("synergy-field");
}
