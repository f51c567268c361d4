package io.containercloud.kubesim.cluster;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import java.lang.reflect.Field;
import java.util.Map;

/**
 * fabric8's CRUD dispatcher over an {@link IndexedStore}: each request that looks objects up by a
 * path or a query (get, list, delete, and the existence checks of create, update and patch) sees
 * only the objects filed under it. The behaviour is the mock's own; only the scan is shorter.
 */
class IndexedCrud extends KubernetesCrudDispatcher {

  private final IndexedStore store = new IndexedStore();

  IndexedCrud() {
    // the mock makes its store in a constructor that takes none; fabric8 8.0's field, replaced
    // before any object is stored
    try {
      Field map = CrudDispatcher.class.getDeclaredField("map");
      map.setAccessible(true);
      map.set(this, store);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("fabric8's CRUD dispatcher changed its store", e);
    }
  }

  @Override
  public MockResponse handleGet(String path) {
    return store.narrowedTo(attributeExtractor.fromPath(path), () -> super.handleGet(path));
  }

  @Override
  public MockResponse handleDelete(String path) {
    return store.narrowedTo(attributeExtractor.fromPath(path), () -> super.handleDelete(path));
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    return store.narrowedTo(query, () -> super.findResource(query));
  }
}
