// Model bindings: which runnable model serves a catalog model. The catalog's models are the names
// a planner chooses (Hugging Face ids, the paper's models); a binding maps some of them to a model
// directory this testbed can run (model.json + parts, as `edgegpt train` writes). A catalog model
// without a binding is planned, shown and validated as before, but is "not runnable here".
//
// The bindings file (docs/models.md, "Model bindings"):
//   {"format": "edgegpt-bindings", "version": 1,
//    "bindings": [{"name": "fashion-mnist-cnn", "task": "Image Classification",
//                  "dir": "trained:cnn", "stand_in": "fashion-mnist cnn"}]}
// Each binding names the catalog models it serves ("models": [ids]) and/or a task kind ("task":
// every catalog model of it); a model named in "models" takes that binding before any binding by
// task. "dir" is "trained:NAME" (the directory `edgegpt train` uses for NAME:
// $EDGEGPT_MODEL_DIR/NAME, else ~/.local/share/edgegpt/models/NAME) or a path, relative to the
// bindings file. The default is resources/bindings/default.json, compiled in.
#pragma once

#include "core/catalog/Catalog.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace edgegpt {

struct ModelBinding
{
    QString name;       // the runnable model's key: ^[a-z0-9][a-z0-9._-]{0,63}$
    QStringList models; // catalog model ids it serves (canonical names after parsing)
    QString task;       // every catalog model of this task kind (canonical id); may be empty
    QString dir;        // "trained:NAME" or a path as written in the file
    QString standIn;    // what the operator is told it is ("fashion-mnist cnn"); may be empty
};

class ModelBindings
{
public:
    // Reads a bindings file. Every problem names the file and the JSON path
    // ("my.json: $.bindings[1].models[0]: unknown catalog model \"x\"").
    static Result<ModelBindings> load(const QString &path,
                                      const Catalog &catalog = Catalog::builtin());
    // Parses a document; `fileName` prefixes errors, `baseDir` anchors relative "dir" paths.
    // Catalog model ids and task kinds are checked against `catalog`.
    static Result<ModelBindings> parse(const QByteArray &json, const QString &fileName,
                                       const QString &baseDir,
                                       const Catalog &catalog = Catalog::builtin());
    // The compiled-in default (:/bindings/default.json), parsed once against the built-in
    // catalog; aborts with a message if it is broken (a build defect, caught by the unit tests).
    static const ModelBindings &builtIn();

    // The binding that serves a catalog model (by id or alias; a binding naming the model in
    // "models" before one naming its task); null when none, and for an empty name (a sensing
    // step).
    const ModelBinding *forModel(const QString &catalogModel, const Catalog &catalog) const;
    bool isRunnable(const QString &catalogModel, const Catalog &catalog) const;
    // The binding's model directory, absolute: "trained:NAME" resolved as above, a relative path
    // against the bindings file's folder.
    QString directoryOf(const ModelBinding &binding) const;
    // NAME for a "trained:NAME" binding, else empty.
    static QString trainedName(const ModelBinding &binding);
    // The binding by its own name; null when none.
    const ModelBinding *byName(const QString &name) const;

    static bool isValidName(const QString &name);

    QList<ModelBinding> bindings;
    QString fileName; // where they were read from (":/bindings/default.json" for the built-in)
    QString baseDir;  // relative "dir" paths are resolved against it
};

} // namespace edgegpt
