
use builtin;
use str;

set edit:completion:arg-completer[agentry] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'agentry'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'agentry'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand provider 'Register, inspect and remove providers'
            cand persona 'List personas and show the system prompt they build'
            cand agent 'Spawn, list and inspect agents'
            cand task 'Run tasks on agents or one-shot on a persona and provider'
            cand stats 'Show the worker pool, every agent and the per-provider totals and metrics'
            cand stop 'Stop agents: they leave the pool; their history and totals stay'
            cand cache 'Inspect or empty the response cache'
            cand state 'Move agents, totals, budgets and history between state backends'
            cand paths 'Print the files and folders in use and where each choice came from'
            cand schema 'Print the JSON Schema a --schema SPEC makes'
            cand mcp 'Tool servers (MCP) agents may call, and agentry as an MCP server'
            cand cassette 'Show and prune the cassettes `task run --record FILE` writes'
            cand batch 'Provider batches: list, show and cancel what `task run --via batch-api` submitted'
            cand completions 'Print a shell completion script to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;provider'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a provider to the providers file in use (comments and order are kept)'
            cand list 'List the providers (the key is never shown)'
            cand show 'Show one provider'
            cand remove 'Remove a provider (refused while an agent uses it)'
            cand models 'List the models the provider serves (GET {endpoint}/models)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;provider;add'= {
            cand --type 'What kind of service it is (required without --preset)'
            cand --preset 'Fill type, endpoint, key variable and model for a known service: openai, anthropic, ollama, vllm, lmstudio, openrouter, groq, together, deepseek, mistral'
            cand --endpoint 'Base URL including the version prefix, e.g. https://api.openai.com/v1'
            cand --model 'Model to request, e.g. gpt-4o-mini'
            cand --name 'Display name (defaults to the id)'
            cand --api-key-env 'Read the API key from this environment variable'
            cand --api-key-cmd 'Run this command with `sh -c`; its trimmed stdout is the API key'
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;provider;list'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;provider;show'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;provider;remove'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;provider;models'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;provider;help'= {
            cand add 'Add a provider to the providers file in use (comments and order are kept)'
            cand list 'List the providers (the key is never shown)'
            cand show 'Show one provider'
            cand remove 'Remove a provider (refused while an agent uses it)'
            cand models 'List the models the provider serves (GET {endpoint}/models)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;provider;help;add'= {
        }
        &'agentry;provider;help;list'= {
        }
        &'agentry;provider;help;show'= {
        }
        &'agentry;provider;help;remove'= {
        }
        &'agentry;provider;help;models'= {
        }
        &'agentry;provider;help;help'= {
        }
        &'agentry;persona'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List personas with where each comes from'
            cand show 'Print the exact system prompt a persona builds'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;persona;list'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;persona;show'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;persona;help'= {
            cand list 'List personas with where each comes from'
            cand show 'Print the exact system prompt a persona builds'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;persona;help;list'= {
        }
        &'agentry;persona;help;show'= {
        }
        &'agentry;persona;help;help'= {
        }
        &'agentry;agent'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand spawn 'Spawn an agent: one worker bound to a persona, a provider and a project'
            cand list 'List agents'
            cand show 'Show one agent (by name or id)'
            cand forget 'Empty an agent''s memory (waits for its running task)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;agent;spawn'= {
            cand --provider 'Provider id the agent sends its tasks to'
            cand --persona 'Persona that builds the system prompt (default: "You are NAME, an AI agent.")'
            cand --project 'Project the agent works for'
            cand --budget 'USD the agent may spend a UTC day (tasks past it are refused, exit 7)'
            cand --memory 'Remember the last N exchanges (task and answer) and send them before each new task [default: 0, none]'
            cand --memory-tokens 'Keep at most T tokens (estimated) of exchanges in memory, instead of or as well as --memory'
            cand --tools 'Let its tasks call the tools of these [mcp.NAME] servers'
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --exist-ok 'Succeed when an agent of that name with the same persona, provider, project, budget, cache and memory exists'
            cand --cache 'Answer the agent''s identical requests from the response cache'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;agent;list'= {
            cand --project 'Only agents of this project'
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;agent;show'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;agent;forget'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;agent;help'= {
            cand spawn 'Spawn an agent: one worker bound to a persona, a provider and a project'
            cand list 'List agents'
            cand show 'Show one agent (by name or id)'
            cand forget 'Empty an agent''s memory (waits for its running task)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;agent;help;spawn'= {
        }
        &'agentry;agent;help;list'= {
        }
        &'agentry;agent;help;show'= {
        }
        &'agentry;agent;help;forget'= {
        }
        &'agentry;agent;help;help'= {
        }
        &'agentry;task'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand run 'Run one task and print the response on stdout'
            cand list 'List finished tasks from the history, newest first'
            cand show 'Show one finished task: its history line, request and response'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;task;run'= {
            cand --persona 'One-shot: the persona to use (needs --provider, takes no AGENT)'
            cand --provider 'One-shot: the provider to use (needs --persona, takes no AGENT)'
            cand --context 'Context appended to the description'
            cand --context-file 'Read the context from a file (`-` is stdin)'
            cand --model 'Override the provider''s model for this run'
            cand --temperature 'Sampling temperature from 0 to 2, or `none` to send none [default: 0.7]'
            cand --max-tokens 'Maximum tokens in the response (1 or more)'
            cand --timeout 'Give up on the whole task after this long, e.g. 90, 90s, 2m (exit 5) [default: 600]'
            cand --connect-timeout 'Give up connecting after this long, e.g. 500ms, 5s [default: 10s, at most --timeout]'
            cand --idle-timeout 'An attempt fails when no byte arrives for this long (retried) [default: 120s]'
            cand --retries 'Retries per provider after a retryable failure [default: 2]'
            cand --schema 'Answer with JSON matching SPEC: inline JSON, a .json/.yaml file, or fields such as ''name, age int, tags [string]''; `none` turns a persona''s schema.json off'
            cand --schema-multi 'Answer with a JSON array of objects matching SPEC (printed as that array)'
            cand --schema-retries 'Repair rounds for an answer that does not match the schema [default: 1]'
            cand --tools 'Let the model call the tools of these [mcp.NAME] servers (besides the agent''s own)'
            cand --allow-tool 'Offer only the tools matching GLOB on `server.tool` (repeatable)'
            cand --deny-tool 'Never offer the tools matching GLOB on `server.tool` (repeatable; wins over --allow-tool)'
            cand --max-steps 'Model calls a task with tools may make (exit 11 when the model still asks for tools) [default: 10]'
            cand --tool-timeout 'Each tool call''s limit; a call that takes longer is an error result the model sees [default: 60s]'
            cand --continue 'Go on from task TASK_ID (`last`: the newest task): its whole conversation and answer are sent before this description, to its agent (or persona and provider) unless others are named'
            cand --max-cost 'Refuse tasks once this run''s spend would pass USD (a batch is one run; exit 7)'
            cand --record 'Append every request sent and what came back to the cassette FILE (JSON lines, secrets removed); the cache is not looked up'
            cand --replay 'Answer every provider''s requests from the cassette FILE: no network, no key (no match: exit 4, `replay_miss`)'
            cand --replay-speed 'How fast replayed answers and waits come: 0 at once, 1 as recorded [default: 0]'
            cand --file 'Run the tasks of a JSON-lines file (`-` is stdin); see `Batch files` in the README'
            cand --parallel 'With --file: at most this many tasks at once [default: the pool maximum]'
            cand --output 'With --file: append results to FILE (stdout stays empty); a rerun skips ids that succeeded'
            cand --via 'With --file: how lines reach their providers: `requests` (one each, the default) or `batch-api` (each provider''s batch API: half price, answers within a day)'
            cand --wait 'With --via batch-api: wait at most DURATION for the provider batches (then exit 5; the same command collects later) [default: 24h]'
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --no-stdin 'Never read stdin as context'
            cand --stream 'Write the answer to stdout as it is generated (under a schema: the wire streams, stdout waits for the checked value)'
            cand --pretty 'Under a schema: print the value indented instead of on one line'
            cand --cache 'Answer identical requests from the response cache'
            cand --no-cache 'Never use the response cache for this run'
            cand --refresh 'Skip the cache lookup and store the new answer'
            cand --events 'Print NDJSON events on stdout (start, delta, retry, fallback, usage, error, done)'
            cand --ordered 'With --file: print results in input order instead of completion order'
            cand --no-wait 'With --via batch-api: submit, print the provider batch ids and exit 0; the same command collects later'
            cand --dry-run 'Print the exact request and send nothing'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;task;list'= {
            cand --agent 'Only tasks of this agent (name or id)'
            cand --provider 'Only tasks that asked for or were answered by this provider'
            cand --since 'Only tasks since this long ago (e.g. 2h, 7d) or since an RFC 3339 time or date'
            cand --limit 'At most this many, newest first; 0 lists all'
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;task;show'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;task;help'= {
            cand run 'Run one task and print the response on stdout'
            cand list 'List finished tasks from the history, newest first'
            cand show 'Show one finished task: its history line, request and response'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;task;help;run'= {
        }
        &'agentry;task;help;list'= {
        }
        &'agentry;task;help;show'= {
        }
        &'agentry;task;help;help'= {
        }
        &'agentry;stats'= {
            cand --format 'table, json (the same as --json) or prometheus (text exposition 0.0.4)'
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;stop'= {
            cand --timeout 'Give up waiting for a running task to be cancelled after this long (exit 5) [default: 10s]'
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --all 'Stop every agent'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;cache'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand stats 'How many answers the cache holds, their size, the limits and the hits so far'
            cand clear 'Remove every cached answer'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;cache;stats'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;cache;clear'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;cache;help'= {
            cand stats 'How many answers the cache holds, their size, the limits and the hits so far'
            cand clear 'Remove every cached answer'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;cache;help;stats'= {
        }
        &'agentry;cache;help;clear'= {
        }
        &'agentry;cache;help;help'= {
        }
        &'agentry;state'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand export 'Write every agent, total, budget spend and history record as JSON lines to stdout'
            cand import 'Load an export into the backend in use (`-` reads stdin)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;state;export'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;state;import'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --replace 'Overwrite agents that exist already (otherwise nothing is loaded)'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;state;help'= {
            cand export 'Write every agent, total, budget spend and history record as JSON lines to stdout'
            cand import 'Load an export into the backend in use (`-` reads stdin)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;state;help;export'= {
        }
        &'agentry;state;help;import'= {
        }
        &'agentry;state;help;help'= {
        }
        &'agentry;paths'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;schema'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Print the JSON Schema a SPEC makes: what --schema (or, with --multi, --schema-multi) sends'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;schema;show'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --multi 'The schema --schema-multi sends: an object with one `items` array of SPEC''s objects'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;schema;help'= {
            cand show 'Print the JSON Schema a SPEC makes: what --schema (or, with --multi, --schema-multi) sends'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;schema;help;show'= {
        }
        &'agentry;schema;help;help'= {
        }
        &'agentry;mcp'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a tool server to the providers file: `mcp add NAME -- COMMAND ARGS…` or `mcp add NAME --url URL`'
            cand list 'List the tool servers (commands and URLs; never an env or header value)'
            cand remove 'Remove a tool server from the providers file'
            cand tools 'Start a tool server and list its tools with their descriptions and input schemas'
            cand serve 'Offer agentry''s agents as MCP tools on stdio (or streamable HTTP with --http)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;mcp;add'= {
            cand --url 'A streamable-HTTP server''s URL, instead of a command'
            cand --env 'Pass the variable VAR of agentry''s environment to the server as KEY (KEY=VAR, repeatable)'
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;mcp;list'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;mcp;remove'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;mcp;tools'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;mcp;serve'= {
            cand --http 'Serve streamable HTTP on this local address (e.g. 127.0.0.1:8765); needs AGENTRY_MCP_TOKEN'
            cand --agents 'Offer only the agents whose names match GLOB (repeatable)'
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;mcp;help'= {
            cand add 'Add a tool server to the providers file: `mcp add NAME -- COMMAND ARGS…` or `mcp add NAME --url URL`'
            cand list 'List the tool servers (commands and URLs; never an env or header value)'
            cand remove 'Remove a tool server from the providers file'
            cand tools 'Start a tool server and list its tools with their descriptions and input schemas'
            cand serve 'Offer agentry''s agents as MCP tools on stdio (or streamable HTTP with --http)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;mcp;help;add'= {
        }
        &'agentry;mcp;help;list'= {
        }
        &'agentry;mcp;help;remove'= {
        }
        &'agentry;mcp;help;tools'= {
        }
        &'agentry;mcp;help;serve'= {
        }
        &'agentry;mcp;help;help'= {
        }
        &'agentry;cassette'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'List a cassette''s interactions: provider, model, status, and when each was last replayed'
            cand prune 'Drop the interactions no replay has matched since TIME (what was recorded since then stays)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;cassette;show'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;cassette;prune'= {
            cand --since 'An RFC 3339 time, a date, or a DURATION back from now (`30d`)'
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --dry-run 'Say what would be dropped; change nothing'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;cassette;help'= {
            cand show 'List a cassette''s interactions: provider, model, status, and when each was last replayed'
            cand prune 'Drop the interactions no replay has matched since TIME (what was recorded since then stays)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;cassette;help;show'= {
        }
        &'agentry;cassette;help;prune'= {
        }
        &'agentry;cassette;help;help'= {
        }
        &'agentry;batch'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'The provider batches submitted by `task run --via batch-api`, with status and counts'
            cand show 'One provider batch (agentry''s `pb_` id or the provider''s id), asking the provider where it stands'
            cand cancel 'Ask the provider to cancel a provider batch; the same `task run` collects what was done'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;batch;list'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;batch;show'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;batch;cancel'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;batch;help'= {
            cand list 'The provider batches submitted by `task run --via batch-api`, with status and counts'
            cand show 'One provider batch (agentry''s `pb_` id or the provider''s id), asking the provider where it stands'
            cand cancel 'Ask the provider to cancel a provider batch; the same `task run` collects what was done'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;batch;help;list'= {
        }
        &'agentry;batch;help;show'= {
        }
        &'agentry;batch;help;cancel'= {
        }
        &'agentry;batch;help;help'= {
        }
        &'agentry;completions'= {
            cand --home 'Folder for agentry''s state and default config [env: AGENTRY_HOME]'
            cand --providers 'The providers file to use [env: AGENTRY_PROVIDERS]'
            cand --personas 'The folder to look up personas in [env: AGENTRY_PERSONAS]'
            cand --state 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]'
            cand --color 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]'
            cand --json 'Print machine-readable JSON on stdout'
            cand -q 'Silence notes and progress (errors and warnings still show)'
            cand --quiet 'Silence notes and progress (errors and warnings still show)'
            cand -v 'Print request and response metadata on stderr (secrets redacted)'
            cand --verbose 'Print request and response metadata on stderr (secrets redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agentry;help'= {
            cand provider 'Register, inspect and remove providers'
            cand persona 'List personas and show the system prompt they build'
            cand agent 'Spawn, list and inspect agents'
            cand task 'Run tasks on agents or one-shot on a persona and provider'
            cand stats 'Show the worker pool, every agent and the per-provider totals and metrics'
            cand stop 'Stop agents: they leave the pool; their history and totals stay'
            cand cache 'Inspect or empty the response cache'
            cand state 'Move agents, totals, budgets and history between state backends'
            cand paths 'Print the files and folders in use and where each choice came from'
            cand schema 'Print the JSON Schema a --schema SPEC makes'
            cand mcp 'Tool servers (MCP) agents may call, and agentry as an MCP server'
            cand cassette 'Show and prune the cassettes `task run --record FILE` writes'
            cand batch 'Provider batches: list, show and cancel what `task run --via batch-api` submitted'
            cand completions 'Print a shell completion script to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agentry;help;provider'= {
            cand add 'Add a provider to the providers file in use (comments and order are kept)'
            cand list 'List the providers (the key is never shown)'
            cand show 'Show one provider'
            cand remove 'Remove a provider (refused while an agent uses it)'
            cand models 'List the models the provider serves (GET {endpoint}/models)'
        }
        &'agentry;help;provider;add'= {
        }
        &'agentry;help;provider;list'= {
        }
        &'agentry;help;provider;show'= {
        }
        &'agentry;help;provider;remove'= {
        }
        &'agentry;help;provider;models'= {
        }
        &'agentry;help;persona'= {
            cand list 'List personas with where each comes from'
            cand show 'Print the exact system prompt a persona builds'
        }
        &'agentry;help;persona;list'= {
        }
        &'agentry;help;persona;show'= {
        }
        &'agentry;help;agent'= {
            cand spawn 'Spawn an agent: one worker bound to a persona, a provider and a project'
            cand list 'List agents'
            cand show 'Show one agent (by name or id)'
            cand forget 'Empty an agent''s memory (waits for its running task)'
        }
        &'agentry;help;agent;spawn'= {
        }
        &'agentry;help;agent;list'= {
        }
        &'agentry;help;agent;show'= {
        }
        &'agentry;help;agent;forget'= {
        }
        &'agentry;help;task'= {
            cand run 'Run one task and print the response on stdout'
            cand list 'List finished tasks from the history, newest first'
            cand show 'Show one finished task: its history line, request and response'
        }
        &'agentry;help;task;run'= {
        }
        &'agentry;help;task;list'= {
        }
        &'agentry;help;task;show'= {
        }
        &'agentry;help;stats'= {
        }
        &'agentry;help;stop'= {
        }
        &'agentry;help;cache'= {
            cand stats 'How many answers the cache holds, their size, the limits and the hits so far'
            cand clear 'Remove every cached answer'
        }
        &'agentry;help;cache;stats'= {
        }
        &'agentry;help;cache;clear'= {
        }
        &'agentry;help;state'= {
            cand export 'Write every agent, total, budget spend and history record as JSON lines to stdout'
            cand import 'Load an export into the backend in use (`-` reads stdin)'
        }
        &'agentry;help;state;export'= {
        }
        &'agentry;help;state;import'= {
        }
        &'agentry;help;paths'= {
        }
        &'agentry;help;schema'= {
            cand show 'Print the JSON Schema a SPEC makes: what --schema (or, with --multi, --schema-multi) sends'
        }
        &'agentry;help;schema;show'= {
        }
        &'agentry;help;mcp'= {
            cand add 'Add a tool server to the providers file: `mcp add NAME -- COMMAND ARGS…` or `mcp add NAME --url URL`'
            cand list 'List the tool servers (commands and URLs; never an env or header value)'
            cand remove 'Remove a tool server from the providers file'
            cand tools 'Start a tool server and list its tools with their descriptions and input schemas'
            cand serve 'Offer agentry''s agents as MCP tools on stdio (or streamable HTTP with --http)'
        }
        &'agentry;help;mcp;add'= {
        }
        &'agentry;help;mcp;list'= {
        }
        &'agentry;help;mcp;remove'= {
        }
        &'agentry;help;mcp;tools'= {
        }
        &'agentry;help;mcp;serve'= {
        }
        &'agentry;help;cassette'= {
            cand show 'List a cassette''s interactions: provider, model, status, and when each was last replayed'
            cand prune 'Drop the interactions no replay has matched since TIME (what was recorded since then stays)'
        }
        &'agentry;help;cassette;show'= {
        }
        &'agentry;help;cassette;prune'= {
        }
        &'agentry;help;batch'= {
            cand list 'The provider batches submitted by `task run --via batch-api`, with status and counts'
            cand show 'One provider batch (agentry''s `pb_` id or the provider''s id), asking the provider where it stands'
            cand cancel 'Ask the provider to cancel a provider batch; the same `task run` collects what was done'
        }
        &'agentry;help;batch;list'= {
        }
        &'agentry;help;batch;show'= {
        }
        &'agentry;help;batch;cancel'= {
        }
        &'agentry;help;completions'= {
        }
        &'agentry;help;help'= {
        }
    ]
    $completions[$command]
}
