// edgegpt: the command line of EdgeGPT Testbed. Dispatches to the registered commands.
#include "CliCommand.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QTextStream>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace edgegpt::cli {

namespace {
QList<CliCommand> &registry()
{
    static QList<CliCommand> commands;
    return commands;
}
} // namespace

void CliCommandRegistry::add(CliCommand command)
{
    registry().append(std::move(command));
}

const QList<CliCommand> &CliCommandRegistry::all()
{
    return registry();
}

int fail(int code, const QString &message)
{
    std::fprintf(stderr, "edgegpt: %s\n", qUtf8Printable(message));
    std::fflush(stderr);
    return code;
}

void printOut(const QString &text)
{
    QByteArray bytes = text.toUtf8();
    if (!bytes.endsWith('\n'))
        bytes.append('\n');
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

} // namespace edgegpt::cli

using namespace edgegpt::cli;

static void printUsage(FILE *to)
{
    QList<CliCommand> commands = CliCommandRegistry::all();
    std::sort(commands.begin(), commands.end(),
              [](const CliCommand &a, const CliCommand &b) { return a.name < b.name; });
    QString text = QStringLiteral("usage: edgegpt COMMAND [OPTIONS]   (edgegpt COMMAND --help for "
                                  "its options)\n\ncommands:\n");
    for (const CliCommand &c : commands)
        text += QStringLiteral("  %1 %2\n").arg(c.name, -20).arg(c.summary);
    text += QStringLiteral("\nexit codes: 0 ok, 1 failed, 2 usage error, 3 planning failed\n");
    std::fputs(qUtf8Printable(text), to);
}

int main(int argc, char **argv)
{
    // The CLI never opens a window, but the benchmarks draw PNG plots, and text needs a
    // QGuiApplication: the offscreen platform gives one on machines without a display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Without a session (ssh, cron, CI) there is no XDG_RUNTIME_DIR and Qt warns on stderr, which
    // scripts read: give it a private one, as Qt would, but quietly.
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        const QByteArray dir = QByteArray("/tmp/edgegpt-runtime-") + QByteArray::number(getuid());
        ::mkdir(dir.constData(), 0700);
        struct stat st;
        if (::lstat(dir.constData(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid() &&
            (st.st_mode & 0777) == 0700)
            qputenv("XDG_RUNTIME_DIR", dir);
    }
    QGuiApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("edgegpt"));
    QCoreApplication::setOrganizationName(QStringLiteral("EdgeGPT"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EDGEGPT_VERSION));

    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args.at(1) == QLatin1String("--help") ||
        args.at(1) == QLatin1String("-h") || args.at(1) == QLatin1String("help")) {
        printUsage(args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? ExitUsage : ExitOk;
    }
    if (args.at(1) == QLatin1String("--version")) {
        printOut(QStringLiteral("edgegpt " EDGEGPT_VERSION));
        return ExitOk;
    }
    // Two-word commands ("bench planning") win over one-word ones.
    for (int words = 2; words >= 1; --words) {
        if (args.size() < 1 + words)
            continue;
        const QString name = args.mid(1, words).join(QLatin1Char(' '));
        for (const CliCommand &c : CliCommandRegistry::all()) {
            if (c.name != name)
                continue;
            QStringList rest = args.mid(1 + words);
            rest.prepend(QStringLiteral("edgegpt ") + name);
            return c.run(rest);
        }
    }
    fail(ExitUsage,
         QStringLiteral("unknown command \"%1\"").arg(args.mid(1, 2).join(QLatin1Char(' '))));
    printUsage(stderr);
    return ExitUsage;
}
