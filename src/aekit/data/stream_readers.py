"""tf.data readers behind :class:`aekit.data.streaming.Stream`: one file in, float32 blocks of rows out.

CSV lines are decoded a block at a time (``tf.io.decode_csv`` on a batch of lines is one vectorised op;
per-line parsing costs microseconds a row), Parquet row groups come through Arrow, TFRecord examples are
parsed a block at a time, and images are decoded in parallel, one file per row.
"""

from __future__ import annotations

import numpy as np

NAN = float("nan")


def reader_for(stream):
    """``read(path_tensor, block_rows) -> tf.data.Dataset`` of ``(rows, *sample_shape)`` float32 blocks."""
    if stream.format == "csv":
        return _csv_reader(stream)
    if stream.format == "parquet":
        return _parquet_reader(stream)
    if stream.kind == "image":
        return _tfrecord_image_reader(stream)
    return _tfrecord_table_reader(stream)


def _csv_reader(stream):
    import tensorflow as tf

    header = stream.meta["columns"]
    wanted = [header.index(name) for name in stream.feature_names]
    delimiter = "\t" if stream.paths[0].suffix.lower() == ".tsv" else ","

    def decode(lines):
        fields = tf.io.decode_csv(lines, record_defaults=[[NAN]] * len(wanted), field_delim=delimiter,
                                  select_cols=wanted)
        return tf.stack(fields, axis=1)

    def read(path, block_rows):
        lines = tf.data.TextLineDataset(path, buffer_size=1 << 20).skip(1)
        return lines.batch(block_rows).map(decode, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)

    return read


def _parquet_reader(stream):
    import tensorflow as tf

    columns = stream.feature_names

    def rows_of(path, block_rows):
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path.decode()).iter_batches(batch_size=int(block_rows), columns=columns):
            block = np.empty((batch.num_rows, len(columns)), np.float32)
            for j, column in enumerate(batch.columns):
                block[:, j] = pc.cast(column, pa.float64()).fill_null(NAN).to_numpy(zero_copy_only=False)
            yield block

    def read(path, block_rows):
        return tf.data.Dataset.from_generator(rows_of, args=(path, block_rows),
                                              output_signature=tf.TensorSpec([None, len(columns)], tf.float32))

    return read


def _tfrecord_table_reader(stream):
    import tensorflow as tf

    integers = set(stream.meta.get("int64_columns", ()))
    spec = {name: tf.io.FixedLenFeature([], tf.int64 if name in integers else tf.float32)
            for name in stream.feature_names}

    def decode(records):
        parsed = tf.io.parse_example(records, spec)
        return tf.stack([tf.cast(parsed[name], tf.float32) for name in stream.feature_names], axis=1)

    def read(path, block_rows):
        return (tf.data.TFRecordDataset(path).batch(block_rows)
                .map(decode, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True))

    return read


def decode_image(encoded, stream):
    """One encoded PNG/JPEG as float32 ``sample_shape`` (resized when the stream has an ``image_size``)."""
    import tensorflow as tf

    height, width, channels = stream.sample_shape
    image = tf.io.decode_image(encoded, channels=channels, expand_animations=False)
    if stream.image_size is not None:
        return tf.image.resize(tf.cast(image, tf.float32), (height, width), method="bilinear")
    return tf.ensure_shape(tf.cast(image, tf.float32), stream.sample_shape)


def _tfrecord_image_reader(stream):
    import tensorflow as tf

    spec = {"image": tf.io.FixedLenFeature([], tf.string)}

    def read(path, block_rows):
        records = tf.data.TFRecordDataset(path)
        return (records.map(lambda r: decode_image(tf.io.parse_single_example(r, spec)["image"], stream),
                            num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).batch(block_rows))

    return read


def image_file_blocks(stream, files, block_rows: int, numbered: bool):
    """Blocks of decoded image files, one file per row, in the order ``files`` gives."""
    import tensorflow as tf

    paths = tf.constant([str(p) for p in stream.paths])
    images = files.map(lambda i: (decode_image(tf.io.read_file(paths[i]), stream), i),
                       num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).batch(block_rows)
    if numbered:
        return images.map(lambda x, i: (x, i, tf.constant(0, tf.int64)))
    return images.map(lambda x, i: x)


def write_tfrecord(path, X, feature_names=None) -> None:
    """Write a table ``(rows, columns)`` as one ``tf.train.Example`` per row (a float feature per column), or
    uint8 images ``(n, h, w, c)`` as PNG bytes under ``image``: the format a TFRecord stream reads.

    Needs TensorFlow (a :class:`aekit.ConfigError` says so when it is not installed).

    Parameters
    ----------
    path : str or path-like
        The TFRecord file to write (replaced if it exists).
    X : array-like
        A table ``(rows, columns)``, written as float32, or images ``(n, h, w)`` or ``(n, h, w, c)``, cast to
        uint8 (so values should lie in 0-255).
    feature_names : list of str, optional
        A table's column names; None names them ``x0``, ``x1``, ... Note that a stream reads the columns in
        natural name order, not in the order written.
    """
    from ..core.backend import require_tensorflow

    require_tensorflow("Writing TFRecord files")
    import tensorflow as tf

    X = np.asarray(X)
    with tf.io.TFRecordWriter(str(path)) as writer:
        if X.ndim == 2:
            names = feature_names or [f"x{j}" for j in range(X.shape[1])]
            for row in X.astype(np.float32):
                feature = {n: tf.train.Feature(float_list=tf.train.FloatList(value=[v])) for n, v in zip(names, row)}
                writer.write(tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString())
            return
        images = X if X.ndim == 4 else X[..., None]
        for image in images.astype(np.uint8):
            encoded = tf.io.encode_png(image).numpy()
            feature = {"image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[encoded]))}
            writer.write(tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString())
