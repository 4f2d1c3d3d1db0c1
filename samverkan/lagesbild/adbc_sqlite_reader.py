"""Reads SELECTs from a SQLite file with ADBC and writes the result as an Arrow IPC file;
run as a process of its own by ``bulk`` (no Django here).

Why a process of its own: ADBC's SQLite driver carries its own copy of the SQLite library.
Two copies in one process break each other's POSIX locks, and the driver's last connection
closing a WAL database checkpoints and removes the -wal and -shm files that Django's
connection still has mapped (a bus error in a measurement; see sqlite.org/howtocorrupt.html,
"multiple copies of SQLite linked into the same application"). In a process of its own it is
one more reader, like the worker.

Input on stdin: JSON ``{"path": …, "parts": [{"sql": … (with ? placeholders), "params":
[…]}, …], "drop_first": bool, "out": …}``. Each part is read on a connection and a thread of
its own (the driver and Arrow let go of the GIL while they read), so a read split into id
ranges uses several cores; the parts' rows are written in the parts' order as one Arrow IPC
file to ``out``, which the caller maps into memory. ``drop_first``: leave out each part's
first row (the typed row that fixes the driver's type guess, ``bulk._typed_row``);
``times``: the positions of text columns to send as (naive) timestamps, converted on each
part's thread.
"""

import json
import sys
import threading


def read_part(path: str, sql: str, params: list, drop_first: bool, times=()):
    # The driver manager's own API: its DB-API module imports pandas and pyarrow.dataset,
    # half a second before the first row.
    import adbc_driver_manager as manager
    import adbc_driver_sqlite
    import pyarrow as pa

    database = adbc_driver_sqlite.connect(path)
    connection = manager.AdbcConnection(database)
    statement = manager.AdbcStatement(connection)
    try:
        statement.set_sql_query(sql)
        if params:
            names = [str(i) for i in range(len(params))]
            statement.bind(pa.record_batch([pa.array([v]) for v in params], names=names))
        stream, _rows = statement.execute_query()
        table = pa.RecordBatchReader._import_from_c(stream.address).read_all()
    finally:
        statement.close()
        connection.close()
        database.close()
    # Named by position (the typed row's names repeat), so the parts' types can be unified.
    table = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
    table = table.slice(1) if drop_first else table
    for position in times:
        column = table.column(position)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            # SQLite's "YYYY-MM-DD HH:MM:SS[.f]" as a naive timestamp, on this part's thread.
            table = table.set_column(position, f"c{position}", column.cast(pa.timestamp("us")))
    return table


def main() -> None:
    import pyarrow as pa

    request = json.load(sys.stdin)
    parts = request["parts"]
    tables: list = [None] * len(parts)
    errors: list = []

    def work(k: int) -> None:
        try:
            part = parts[k]
            tables[k] = read_part(
                request["path"],
                part["sql"],
                part["params"],
                request.get("drop_first", False),
                request.get("times", ()),
            )
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, len(parts))]
    for thread in threads:
        thread.start()
    work(0)
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    table = pa.concat_tables(tables, promote_options="permissive")
    with pa.OSFile(request["out"], "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


if __name__ == "__main__":
    main()
