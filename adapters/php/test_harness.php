<?php
// What the PHP adapter tests share: an adapter process driven the way the host does, assertions,
// protocol messages, and the runner that prints one line per test, then "N passed, M failed".

const ADAPTER = __DIR__ . '/adapter.php';
const TESTDATA = __DIR__ . '/testdata';
const TIMEOUT = 20.0;

/** One adapter process seen from the host: NDJSON in, NDJSON out, stderr collected in a file. */
final class Adapter
{
    /** @var list<self> processes to kill after the current test */
    public static array $live = [];
    /** @var resource */ public $proc;
    public array $pipes = [];
    public int $pid;
    private string $stderrFile;
    private string $buf = '';
    private int $scanned = 0;
    private ?int $exitCode = null;

    public function __construct(array $args = [], array $env = [])
    {
        $this->stderrFile = tempnam(sys_get_temp_dir(), 'adapter-stderr-');
        $spec = [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $this->stderrFile, 'w']];
        $this->proc = proc_open([PHP_BINARY, ADAPTER, ...$args], $spec, $this->pipes, null, $env + getenv());
        stream_set_blocking($this->pipes[1], false);
        $this->pid = proc_get_status($this->proc)['pid'];
        self::$live[] = $this;
    }

    public function send(array|string $msg): void
    {
        $data = is_string($msg) ? $msg : json_encode($msg, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES) . "\n";
        for ($done = 0; $done < strlen($data); $done += $n) {
            $n = fwrite($this->pipes[0], substr($data, $done, 1 << 20));
            check($n !== false && $n > 0, 'write to adapter failed');
        }
    }

    /** The next raw stdout line, or null once stdout is closed. */
    public function recvLine(): ?string
    {
        $deadline = microtime(true) + TIMEOUT;
        while (($nl = strpos($this->buf, "\n", $this->scanned)) === false) {
            $this->scanned = strlen($this->buf); // search only new bytes next time: linear for 5 MB lines
            if (feof($this->pipes[1])) {
                return null;
            }
            $read = [$this->pipes[1]];
            $none = null;
            $left = $deadline - microtime(true);
            check($left > 0 && stream_select($read, $none, $none, (int) $left, 100000) !== false, 'no reply in time; stderr: ' . $this->stderr());
            $this->buf .= (string) fread($this->pipes[1], 1 << 20);
        }
        $line = substr($this->buf, 0, $nl);
        $this->buf = substr($this->buf, $nl + 1);
        $this->scanned = 0;
        return $line;
    }

    public function recv(): array
    {
        $line = $this->recvLine();
        check($line !== null, 'adapter closed stdout; stderr: ' . $this->stderr());
        return json_decode($line, true, 512, JSON_THROW_ON_ERROR); // every stdout line must be a protocol message
    }

    public function wait(): int
    {
        $deadline = microtime(true) + TIMEOUT;
        while ($this->exitCode === null) {
            $status = proc_get_status($this->proc);
            if (!$status['running']) {
                $this->exitCode = $status['exitcode'];
            } else {
                check(microtime(true) < $deadline, 'adapter did not exit');
                usleep(5000);
            }
        }
        return $this->exitCode;
    }

    public function closeStdin(): void
    {
        fclose($this->pipes[0]);
    }

    public function stderr(): string
    {
        return (string) file_get_contents($this->stderrFile);
    }

    public function kill(): void
    {
        if ($this->exitCode === null && proc_get_status($this->proc)['running']) {
            proc_terminate($this->proc, 9);
        }
        foreach ($this->pipes as $pipe) {
            if (is_resource($pipe)) {
                fclose($pipe);
            }
        }
        proc_close($this->proc);
        @unlink($this->stderrFile);
    }
}

function check(bool $ok, string $message): void
{
    if (!$ok) {
        throw new RuntimeException($message);
    }
}

function same(mixed $expected, mixed $actual, string $what = ''): void
{
    check($expected === $actual, ($what === '' ? '' : "$what: ") . 'expected ' . var_export($expected, true) . ', got ' . var_export($actual, true));
}

function init_msg(string $handler, array $env = [], string $root = TESTDATA): array
{
    return ['type' => 'init', 'function' => 'test-fn', 'root' => $root, 'handler' => $handler, 'env' => (object) $env];
}

function invoke_msg(string $id, mixed $payload, array $extra = []): array
{
    return array_merge(['type' => 'invoke', 'id' => $id, 'payload' => $payload, 'deadlineMs' => null], $extra);
}

function start(array $args = [], array $env = []): Adapter
{
    $adapter = new Adapter($args, $env);
    same('ready', $adapter->recv()['type'], 'first line');
    return $adapter;
}

function started(string $handler, array $initEnv = [], array $args = [], array $env = []): Adapter
{
    $adapter = start($args, $env);
    $adapter->send(init_msg($handler, $initEnv));
    $reply = $adapter->recv();
    same('initialized', $reply['type'], json_encode($reply));
    return $adapter;
}

function error_of(array $reply, string $type, ?string $id = null): array
{
    same('error', $reply['type'], json_encode($reply));
    same($id, $reply['id'] ?? null, 'id');
    $keys = array_keys($reply['error']);
    sort($keys);
    same(['message', 'retryable', 'stack', 'type'], $keys, 'error keys');
    same($type, $reply['error']['type'], json_encode($reply));
    return $reply['error'];
}

/** Runs every test, killing the adapters each one left, then prints the tally and exits 1 on any failure. */
function run_tests(array $tests): never
{
    [$passed, $failed] = [0, 0];
    foreach ($tests as $name => $test) {
        try {
            $test();
            $passed++;
            echo "ok - $name\n";
        } catch (Throwable $e) {
            $failed++;
            echo "not ok - $name\n  " . get_class($e) . ': ' . $e->getMessage() . "\n  at " . $e->getFile() . ':' . $e->getLine() . "\n";
        } finally {
            foreach (Adapter::$live as $adapter) {
                $adapter->kill();
            }
            Adapter::$live = [];
        }
    }
    echo "$passed passed, $failed failed\n";
    exit($failed === 0 ? 0 : 1);
}
