// The edgegpt command line is a set of commands ("plan", "bench planning", …), one per file,
// each registering itself here with a static CliCommandRegistration. main.cpp dispatches.
#pragma once

#include <QString>
#include <QStringList>

#include <functional>

namespace edgegpt::cli {

// Exit codes shared by every command (documented in the README).
enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitPlanningFailed = 3 };

struct CliCommand
{
    QString name;    // one or two words: "plan", "bench planning"
    QString summary; // one line for `edgegpt --help`
    // Receives the arguments after the command's name, with argv[0] as "edgegpt <name>" so that
    // QCommandLineParser can be used directly. Returns the process exit code.
    std::function<int(const QStringList &arguments)> run;
};

class CliCommandRegistry
{
public:
    static void add(CliCommand command);
    static const QList<CliCommand> &all();
};

struct CliCommandRegistration
{
    explicit CliCommandRegistration(CliCommand command)
    {
        CliCommandRegistry::add(std::move(command));
    }
};

// Prints "edgegpt: <message>" on stderr and returns `code`: the one-line error every command uses.
int fail(int code, const QString &message);
// Writes text to stdout (UTF-8) with a trailing newline if missing.
void printOut(const QString &text);

} // namespace edgegpt::cli
