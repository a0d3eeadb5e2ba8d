#include "core/fl/FlTuning.h"

#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>

namespace edgegpt {

namespace {

QString percent(double fraction)
{
    return QString::number(fraction * 100, 'f', 1);
}

} // namespace

QJsonObject FlProposal::toJson() const
{
    return {{QStringLiteral("model"), model},
            {QStringLiteral("width"), width},
            {QStringLiteral("optimizer"), optimizer},
            {QStringLiteral("lr"), lr},
            {QStringLiteral("local_epochs"), localEpochs},
            {QStringLiteral("batch"), batch},
            {QStringLiteral("rounds"), rounds},
            {QStringLiteral("alpha_aware"), alphaAware},
            {QStringLiteral("reason"), reason}};
}

FlRunConfig FlProposal::applyTo(FlRunConfig base) const
{
    base.model = model;
    base.width = model == QLatin1String("cnn") ? 1.0 : width;
    base.optimizer = optimizer;
    base.lr = lr;
    base.localEpochs = localEpochs;
    base.batch = batch;
    base.rounds = rounds;
    base.classBalanced = alphaAware;
    return base;
}

FlProposal FlProposal::fromConfig(const FlRunConfig &c, const QString &reason)
{
    FlProposal p;
    p.model = c.model;
    p.width = c.width;
    p.optimizer = c.optimizer;
    p.lr = c.lr;
    p.localEpochs = c.localEpochs;
    p.batch = c.batch;
    p.rounds = c.rounds;
    p.alphaAware = c.classBalanced;
    p.reason = reason;
    return p;
}

bool FlProposal::sameTraining(const FlProposal &o) const
{
    return model == o.model && std::fabs(width - o.width) < 1e-9 && optimizer == o.optimizer &&
           std::fabs(lr - o.lr) < 1e-12 && localEpochs == o.localEpochs && batch == o.batch &&
           rounds == o.rounds && alphaAware == o.alphaAware;
}

Result<FlProposal> parseFlProposal(const QString &answer)
{
    using R = Result<FlProposal>;
    QString text = answer.trimmed();
    static const QRegularExpression fence(
        QStringLiteral("```(?:json|JSON)?\\s*\\n?([\\s\\S]*?)```"));
    const QRegularExpressionMatch m = fence.match(text);
    if (m.hasMatch())
        text = m.captured(1).trimmed();
    if (text.isEmpty())
        return R::failure(QStringLiteral("the planner's answer is empty"));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (!doc.isObject())
        return R::failure(QStringLiteral("the planner's answer is not a JSON object (%1): %2")
                              .arg(error.error == QJsonParseError::NoError
                                       ? QStringLiteral("not an object")
                                       : error.errorString(),
                                   text.left(80).simplified()));
    const QJsonObject o = doc.object();
    FlProposal p;
    p.reason = o.value(QStringLiteral("reason")).toString();
    if (o.value(QStringLiteral("done")).toBool(false)) {
        p.done = true;
        return p;
    }
    auto fail = [](const QString &key, const QString &why) {
        return R::failure(QStringLiteral("the proposal's \"%1\" %2").arg(key, why));
    };
    auto number = [&](const char *key, double min, double max, double *out) -> QString {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isDouble())
            return QStringLiteral("is missing or not a number");
        if (!(v.toDouble() >= min && v.toDouble() <= max))
            return QStringLiteral("must be %1..%2 (got %3)").arg(min).arg(max).arg(v.toDouble());
        *out = v.toDouble();
        return QString();
    };
    p.model = o.value(QStringLiteral("model")).toString();
    if (p.model != QLatin1String("cnn") && p.model != QLatin1String("mobilenetv2") &&
        p.model != QLatin1String("resnet18"))
        return fail(
            QStringLiteral("model"),
            QStringLiteral("must be cnn, mobilenetv2 or resnet18 (got \"%1\")").arg(p.model));
    p.optimizer = o.value(QStringLiteral("optimizer")).toString();
    if (p.optimizer != QLatin1String("sgd") && p.optimizer != QLatin1String("adam"))
        return fail(QStringLiteral("optimizer"), QStringLiteral("must be sgd or adam"));
    double epochs = 0, batch = 0, rounds = 0;
    struct Field
    {
        const char *key;
        double min, max;
        double *out;
    } fields[] = {{"width", 0.125, 4, &p.width},
                  {"lr", 1e-6, 10, &p.lr},
                  {"local_epochs", 1, 20, &epochs},
                  {"batch", 1, 1024, &batch},
                  {"rounds", 1, 100, &rounds}};
    for (const Field &f : fields) {
        const QString why = number(f.key, f.min, f.max, f.out);
        if (!why.isEmpty())
            return fail(QLatin1String(f.key), why);
    }
    p.localEpochs = int(std::lround(epochs));
    p.batch = int(std::lround(batch));
    p.rounds = int(std::lround(rounds));
    const QJsonValue aware = o.value(QStringLiteral("alpha_aware"));
    if (!aware.isBool() && !aware.isUndefined())
        return fail(QStringLiteral("alpha_aware"), QStringLiteral("must be true or false"));
    p.alphaAware = aware.toBool(false);
    return p;
}

QString FlAttempt::summary() const
{
    const FlProposal &p = proposal;
    QString s = QStringLiteral("attempt %1: %2 width %3, %4 lr %5, %6 local epoch%7, batch %8, "
                               "%9 rounds%10")
                    .arg(index)
                    .arg(p.model)
                    .arg(p.width)
                    .arg(p.optimizer)
                    .arg(p.lr)
                    .arg(p.localEpochs)
                    .arg(p.localEpochs == 1 ? QString() : QStringLiteral("s"))
                    .arg(p.batch)
                    .arg(p.rounds)
                    .arg(p.alphaAware ? QStringLiteral(", class-balanced") : QString());
    if (!error.isEmpty())
        return s + QStringLiteral(" failed: ") + error;
    QStringList acc, loss;
    for (double a : accuracyCurve)
        acc << percent(a);
    for (double l : lossCurve)
        loss << QString::number(l, 'f', 2);
    s += QStringLiteral(" reached %1% in %2 rounds, %3 s, %4 MB; accuracy per round %5; test loss "
                        "%6")
             .arg(percent(finalAccuracy))
             .arg(accuracyCurve.size())
             .arg(seconds, 0, 'f', 0)
             .arg(double(modelBytes) / 1e6, 0, 'f', 2)
             .arg(acc.join(QStringLiteral(", ")), loss.join(QStringLiteral(", ")));
    return s;
}

qint64 sizeLimitOf(const QString &request)
{
    static const QRegularExpression re(
        QStringLiteral("(?:under|below|less than|at "
                       "most|<=?|within)\\s*(\\d+(?:\\.\\d+)?)\\s*(MB|KB|MiB|KiB|M|K)\\b"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = re.match(request);
    if (!m.hasMatch())
        return 0;
    const double v = m.captured(1).toDouble();
    const QString unit = m.captured(2).toUpper();
    const double scale = unit.startsWith(QLatin1Char('M')) ? 1e6 : 1e3;
    return qint64(v * scale);
}

QJsonArray flTuningMessages(const FlTuneContext &c, const QList<FlAttempt> &attempts)
{
    const QString system = QStringLiteral(
        "You design the federated training of an image classifier for Fashion-MNIST (28x28 grey, "
        "10 classes) on edge devices. Each device holds a non-IID shard (Dirichlet alpha over "
        "classes); an edge server averages their updates with FedAvg each round. Answer with ONE "
        "JSON object and nothing else: {\"model\": \"cnn\"|\"mobilenetv2\"|\"resnet18\", "
        "\"width\": width multiplier 0.125-4 (mobilenetv2 and resnet18), \"optimizer\": "
        "\"sgd\"|\"adam\", \"lr\": number, \"local_epochs\": 1-20, \"batch\": 1-1024, \"rounds\": "
        "1-100, \"alpha_aware\": true|false (class-balanced local loss for skewed shards), "
        "\"reason\": \"one sentence\"}. Answer {\"done\": true, \"reason\": \"...\"} when no "
        "further attempt is worth its time. Learn from the previous attempts' curves.");
    QString user = QStringLiteral("Request: %1\nDevices: %2, %3 training images each, Dirichlet "
                                  "alpha %4.")
                       .arg(c.request)
                       .arg(c.devices)
                       .arg(c.samplesPerDevice)
                       .arg(c.alpha);
    if (c.budgetSeconds > 0)
        user += QStringLiteral(" Time budget: %1 s in all").arg(c.budgetSeconds, 0, 'f', 0);
    if (c.attemptSeconds > 0)
        user += QStringLiteral(", about %1 s an attempt").arg(c.attemptSeconds, 0, 'f', 0);
    if (c.budgetSeconds > 0 || c.attemptSeconds > 0)
        user += QLatin1Char('.');
    if (const qint64 limit = sizeLimitOf(c.request))
        user += QStringLiteral(" Model size limit: %1 bytes.").arg(limit);
    if (attempts.isEmpty()) {
        user += QStringLiteral("\nNo attempt yet: propose the first configuration.");
    } else {
        user += QStringLiteral("\nPrevious attempts:");
        for (const FlAttempt &a : attempts)
            user += QStringLiteral("\n- ") + a.summary();
        user += QStringLiteral("\nPropose the next configuration.");
    }
    return QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                  {QStringLiteral("content"), system}},
                      QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                  {QStringLiteral("content"), user}}};
}

FlProposal proposeLocally(const FlTuneContext &context, const FlProposal &baseline,
                          const QList<FlAttempt> &attempts)
{
    if (attempts.isEmpty()) {
        FlProposal p = baseline;
        p.reason = QStringLiteral("the baseline configuration");
        return p;
    }
    // Start from the best attempt so far (a failed one never is).
    const FlAttempt *best = nullptr;
    for (const FlAttempt &a : attempts)
        if (a.error.isEmpty() && (!best || a.finalAccuracy > best->finalAccuracy))
            best = &a;
    const FlAttempt &last = attempts.last();
    const FlProposal from = best ? best->proposal : baseline;
    const qint64 limit = sizeLimitOf(context.request);

    QList<FlProposal> candidates;
    auto add = [&](FlProposal p, const QString &reason) {
        p.reason = reason;
        p.done = false;
        candidates << p;
    };
    const QList<double> &acc = last.accuracyCurve;
    const QList<double> &loss = last.lossCurve;
    const int n = int(acc.size());
    const bool diverging = n >= 2 && [&]() {
        for (int i = 1; i < n; ++i)
            if (acc[i] < acc[i - 1] - 0.02)
                return true;
        return false;
    }();
    const bool stalled = n >= 2 && loss[n - 1] > loss[n - 2] * 0.97;
    const bool rising = n >= 2 && acc[n - 1] - acc[n - 2] > 0.01;
    if (limit > 0 && last.modelBytes > limit) {
        FlProposal p = from;
        if (p.model == QLatin1String("cnn")) {
            // The cnn (1.7 MB) has no width to turn down; MobileNetV2 at 0.25 is 0.78 MB (at 0.5
            // it is 2.5 MB, larger than the cnn: docs/federated.md, "Models").
            p.model = QStringLiteral("mobilenetv2");
            p.width = 0.25;
        } else {
            // Parameters, so model.pt's bytes, grow about with width²: the width that would
            // land 10% under the limit, at least a step down.
            const double fit = p.width * std::sqrt(0.9 * double(limit) / double(last.modelBytes));
            p.width = std::max(0.125, std::round(std::min(fit, p.width * 0.9) * 1000) / 1000);
        }
        add(p, QStringLiteral("the model (%1 bytes) is over the %2-byte limit: a smaller one")
                   .arg(last.modelBytes)
                   .arg(limit));
    }
    if (diverging) {
        FlProposal p = from;
        p.localEpochs = std::max(1, p.localEpochs / 2);
        p.alphaAware = true;
        add(p, QStringLiteral("accuracy fell between rounds: the non-IID devices diverge, so "
                              "fewer local epochs and a class-balanced local loss"));
        FlProposal q = from;
        q.lr = from.lr / 2;
        add(q, QStringLiteral("accuracy fell between rounds: a lower learning rate"));
    }
    if (stalled && !diverging) {
        FlProposal p = from;
        p.lr = from.lr * 2;
        add(p, QStringLiteral("the test loss stalled: a higher learning rate"));
    }
    if (rising || n < 2) {
        FlProposal p = from;
        p.localEpochs = std::min(8, from.localEpochs * 2);
        add(p, QStringLiteral("accuracy was still rising: more local epochs per round"));
    }
    {
        FlProposal p = from;
        p.alphaAware = !from.alphaAware;
        add(p, from.alphaAware ? QStringLiteral("try without the class-balanced loss")
                               : QStringLiteral("the shards are skewed (alpha %1): a class-"
                                                "balanced local loss")
                                     .arg(context.alpha));
    }
    {
        FlProposal p = from;
        p.localEpochs = std::min(8, from.localEpochs + 1);
        add(p, QStringLiteral("one more local epoch per round"));
    }
    {
        FlProposal p = from;
        p.batch = std::max(8, from.batch / 2);
        add(p, QStringLiteral("smaller batches: more local steps on the small shards"));
    }
    {
        FlProposal p = from;
        if (p.optimizer == QLatin1String("sgd")) {
            p.optimizer = QStringLiteral("adam");
            p.lr = 0.002;
        } else {
            p.optimizer = QStringLiteral("sgd");
            p.lr = 0.05;
        }
        add(p, QStringLiteral("the other optimizer"));
    }
    {
        FlProposal p = from;
        p.lr = from.lr * 1.5;
        add(p, QStringLiteral("a somewhat higher learning rate"));
    }
    for (const FlProposal &c : candidates) {
        bool tried = false;
        for (const FlAttempt &a : attempts)
            tried = tried || a.proposal.sameTraining(c);
        if (!tried && (limit == 0 || c.model != QLatin1String("resnet18")))
            return c;
    }
    FlProposal done = from;
    done.done = true;
    done.reason = QStringLiteral("every change the rules suggest has been tried");
    return done;
}

} // namespace edgegpt
