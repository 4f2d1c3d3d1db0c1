"""Reads one SELECT from a SQLite file with ADBC and writes the result as an Arrow IPC
file; run as a process of its own by ``bulk`` (no Django here).

Why a process of its own: ADBC's SQLite driver carries its own copy of the SQLite library.
Two copies in one process break each other's POSIX locks, and the driver's last connection
closing a WAL database checkpoints and removes the -wal and -shm files that Django's
connection still has mapped (a bus error in a measurement; see sqlite.org/howtocorrupt.html,
"multiple copies of SQLite linked into the same application"). In a process of its own it is
one more reader, like the worker.

Input on stdin: JSON ``{"path": …, "sql": … (with ? placeholders), "params": […], "out": …}``;
the table is written as an Arrow IPC file to ``out``, which the caller maps into memory.
"""

import json
import sys


def main() -> None:
    # The driver manager's own API: its DB-API module imports pandas and pyarrow.dataset,
    # half a second before the first row.
    import adbc_driver_manager as manager
    import adbc_driver_sqlite
    import pyarrow as pa

    request = json.load(sys.stdin)
    database = adbc_driver_sqlite.connect(request["path"])
    connection = manager.AdbcConnection(database)
    statement = manager.AdbcStatement(connection)
    try:
        statement.set_sql_query(request["sql"])
        params = request["params"]
        if params:
            names = [str(i) for i in range(len(params))]
            statement.bind(pa.record_batch([pa.array([v]) for v in params], names=names))
        stream, _rows = statement.execute_query()
        reader = pa.RecordBatchReader._import_from_c(stream.address)
        with (
            pa.OSFile(request["out"], "wb") as sink,
            pa.ipc.new_file(sink, reader.schema) as writer,
        ):
            for batch in reader:
                writer.write_batch(batch)
    finally:
        statement.close()
        connection.close()
        database.close()


if __name__ == "__main__":
    main()
