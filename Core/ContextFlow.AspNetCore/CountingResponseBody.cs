using System;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ContextFlow.AspNetCore;

/// <summary>
/// Counts a response's body bytes by standing in for its body feature: the writer and stream it hands out add what is
/// written to <see cref="BytesSent"/>, and the server's own writer and stream do the writing.
/// </summary>
/// <remarks>
/// A response's body is written by one flow at a time, so the count needs no synchronization; it is read once the
/// response has completed.
/// </remarks>
internal sealed class CountingResponseBody : IHttpResponseBodyFeature
{
    private IHttpResponseBodyFeature _inner = null!;
    private CountingPipeWriter? _writer;
    private CountingStream? _stream;

    public long BytesSent { get; set; }

    Stream IHttpResponseBodyFeature.Stream => _stream ??= new CountingStream(_inner.Stream, this);

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= new CountingPipeWriter(_inner.Writer, this);

    /// <summary>Stands in for the request's current response body feature until <see cref="Detach"/>.</summary>
    public void Attach(HttpContext http)
    {
        _inner = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        http.Features.Set<IHttpResponseBodyFeature>(this);
    }

    /// <summary>Puts the original body feature back.</summary>
    public void Detach(HttpContext http) => http.Features.Set(_inner);

    void IHttpResponseBodyFeature.DisableBuffering() => _inner.DisableBuffering();

    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken) => _inner.StartAsync(cancellationToken);

    async Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken)
    {
        await _inner.SendFileAsync(path, offset, count, cancellationToken).ConfigureAwait(false);
        BytesSent += count ?? (new FileInfo(path).Length - offset);
    }

    Task IHttpResponseBodyFeature.CompleteAsync() => _inner.CompleteAsync();

    /// <summary>A response <see cref="PipeWriter"/> that adds what is written to the count.</summary>
    private sealed class CountingPipeWriter(PipeWriter inner, CountingResponseBody body) : PipeWriter
    {
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes)
        {
            body.BytesSent += bytes;
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            body.BytesSent += source.Length;
            return inner.WriteAsync(source, cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }

    /// <summary>A write-only response stream that adds what is written to the count.</summary>
    private sealed class CountingStream(Stream inner, CountingResponseBody body) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            body.BytesSent += count;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            body.BytesSent += buffer.Length;
        }

        public override void WriteByte(byte value)
        {
            inner.WriteByte(value);
            body.BytesSent++;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            body.BytesSent += count;
            return inner.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            body.BytesSent += buffer.Length;
            return inner.WriteAsync(buffer, cancellationToken);
        }
    }
}
