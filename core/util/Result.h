// Result<T>: a value or a human-readable error, for failures that are expected (bad files, bad
// input, unreachable hosts). Exceptions stay at LibTorch's edge; everything else returns this.
#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace edgegpt {

struct Error
{
    QString message;
};

template <typename T> class Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    {}
    Result(Error error)
        : m_error(std::move(error.message))
    {}

    static Result failure(const QString &message) { return Result(Error{message}); }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    const T &operator*() const & { return *m_value; }
    T &operator*() & { return *m_value; }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }

    const QString &error() const { return m_error; }

private:
    std::optional<T> m_value;
    QString m_error;
};

// Result<void>: success or an error message.
template <> class Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_failed(true)
        , m_error(std::move(error.message))
    {}
    static Result failure(const QString &message) { return Result(Error{message}); }
    static Result success() { return Result(); }
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const QString &error() const { return m_error; }

private:
    bool m_failed = false;
    QString m_error;
};

} // namespace edgegpt
