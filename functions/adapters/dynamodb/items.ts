/** Strips the table's own attributes (keys, index attributes, search text) so the domain sees only its types. */
export function entity<T>(item: Record<string, unknown>): T {
  const {
    pk: _pk,
    sk: _sk,
    type: _type,
    duePk: _duePk,
    dueAt: _dueAt,
    listPk: _listPk,
    listSk: _listSk,
    searchText: _searchText,
    ...rest
  } = item;
  return rest as T;
}
