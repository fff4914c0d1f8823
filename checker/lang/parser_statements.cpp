// The parser, statements: blocks, control flow, checks and assignments.
#include "checker/lang/parser_internal.hpp"

#include <utility>

#include <fmt/format.h>

namespace preempt::lang::syntax::detail {

// ---------------------------------------------------------------------------------------------
// Statements

StmtPtr Parser::new_stmt(StmtKind kind, SourceLoc loc) {
  auto s = std::make_unique<Stmt>();
  s->kind = kind;
  s->loc = loc;
  return s;
}

// block = "{" { block_item } "}" ;
StmtPtr Parser::parse_block() {
  StmtPtr block = new_stmt(StmtKind::Block, current_.loc);
  if (!expect(TokenKind::LBrace)) return block;
  while (!check(TokenKind::RBrace) && !check(TokenKind::Eof) &&
         (!is_one_of(current_.kind, kDeclarationStarts) || check(TokenKind::KwStruct) || check(TokenKind::KwEnum) ||
          check(TokenKind::KwVoid))) {
    uint64_t before = consumed_;
    parse_block_item(*block);
    if (consumed_ == before && !check(TokenKind::Eof)) advance();  // it starts no statement
    if (panic_) sync_statement();
  }
  if (!match(TokenKind::RBrace)) {
    error_expected(
        fmt::format("'}}' to close the block opened at {}:{}", block->loc.line, block->loc.col),
        true);
  }
  return block;
}

// block_item = local_decl | statement ;
void Parser::parse_block_item(Stmt& block) {
  if (at_type()) {
    parse_local_decl(block);
    return;
  }
  block.children.push_back(parse_statement());
}

// local_decl = type declarator [ "=" expression ] { "," { "*" } declarator [ "=" expression ] } ";" ;
void Parser::parse_local_decl(Stmt& block) {
  const TypeSyntax base = parse_type("a type");
  bool first = true;
  do {
    if (panic_) return;
    StmtPtr s = new_stmt(StmtKind::LocalDecl, first ? base.loc : current_.loc);
    s->type = base;
    if (!first) {
      s->type.pointers = 0;
      while (match(TokenKind::Star)) ++s->type.pointers;
    }
    first = false;
    s->name = parse_declarator(s->type, "a variable name");
    if (match(TokenKind::LBracket)) {
      error_at(previous_.loc, "a local variable cannot be an array: declare the array global (or as a field)");
      return;
    }
    if (match(TokenKind::Assign)) s->value = parse_expression();
    block.children.push_back(std::move(s));
  } while (match(TokenKind::Comma));
  expect(TokenKind::Semicolon);
}

// statement = block | if_stmt | while_stmt | for_stmt | break_stmt | continue_stmt
//           | return_stmt | check_stmt | schedule_stmt | do_exit_stmt | simple_stmt ;
StmtPtr Parser::parse_statement() {
  Nest nest(stmt_depth_);
  if (nest.too_deep()) {
    error_at(current_.loc, "statements nested too deeply");
    SourceLoc loc = current_.loc;
    skip_nested_statement();
    return new_stmt(StmtKind::Block, loc);
  }
  return parse_statement_kind();
}

StmtPtr Parser::parse_statement_kind() {
  TokenKind k = current_.kind;
  if (k == TokenKind::LBrace) return parse_block();
  if (k == TokenKind::KwIf) return parse_if();
  if (k == TokenKind::KwWhile) return parse_while();
  if (k == TokenKind::KwFor) return parse_for();
  if (k == TokenKind::KwBreak) return parse_jump(StmtKind::Break);
  if (k == TokenKind::KwContinue) return parse_jump(StmtKind::Continue);
  if (k == TokenKind::KwReturn) return parse_return();
  if (k == TokenKind::KwAssert) return parse_check(StmtKind::Assert);
  if (k == TokenKind::KwAssume) return parse_check(StmtKind::Assume);
  if (k == TokenKind::KwAwait) return parse_check(StmtKind::Await);
  if (k == TokenKind::KwSchedule) return parse_no_argument(StmtKind::Schedule);
  if (k == TokenKind::KwDoExit) return parse_no_argument(StmtKind::DoExit);
  if (at_type()) {
    error_at(current_.loc, "a local declaration must be directly inside a block { ... }");
    return new_stmt(StmtKind::Block, current_.loc);
  }
  if (is_one_of(k, {TokenKind::Identifier, TokenKind::Star, TokenKind::LParen, TokenKind::PlusPlus,
                    TokenKind::MinusMinus})) {
    return parse_simple_statement();
  }
  error_expected("a statement");
  return new_stmt(StmtKind::Block, current_.loc);
}

// if_stmt = "if" "(" expression ")" statement [ "else" statement ] ;
StmtPtr Parser::parse_if() {
  StmtPtr s = new_stmt(StmtKind::If, current_.loc);
  advance();
  expect(TokenKind::LParen);
  s->cond = parse_expression();
  expect(TokenKind::RParen);
  s->then_branch = parse_statement();
  if (match(TokenKind::KwElse)) s->else_branch = parse_statement();
  return s;
}

// while_stmt = "while" "(" expression ")" statement ;
StmtPtr Parser::parse_while() {
  StmtPtr s = new_stmt(StmtKind::While, current_.loc);
  advance();
  expect(TokenKind::LParen);
  s->cond = parse_expression();
  expect(TokenKind::RParen);
  s->body = parse_statement();
  return s;
}

// for_stmt = "for" "(" [ for_init ] ";" [ expression ] ";" [ assignment ] ")" statement ;
StmtPtr Parser::parse_for() {
  StmtPtr s = new_stmt(StmtKind::For, current_.loc);
  advance();
  expect(TokenKind::LParen);
  if (!check(TokenKind::Semicolon)) s->init = parse_for_init();
  expect(TokenKind::Semicolon);
  if (!check(TokenKind::Semicolon)) s->cond = parse_expression();
  expect(TokenKind::Semicolon);
  if (!check(TokenKind::RParen)) {
    s->step = parse_assignment();
    if (s->step->kind == StmtKind::Block && s->step->target) {
      error_at(s->step->target->loc, "expected an assignment here, not a call");
      s->step = new_stmt(StmtKind::Block, s->step->loc);
    }
  }
  expect(TokenKind::RParen);
  s->body = parse_statement();
  return s;
}

// for_init = type declarator [ "=" expression ] | assignment ;
StmtPtr Parser::parse_for_init() {
  if (!at_type()) {
    StmtPtr s = parse_assignment();
    if (s->kind == StmtKind::Block && s->target) {
      error_at(s->target->loc, "expected an assignment here, not a call");
      return new_stmt(StmtKind::Block, s->loc);
    }
    return s;
  }
  StmtPtr s = new_stmt(StmtKind::LocalDecl, current_.loc);
  s->type = parse_type("a type");
  s->name = parse_declarator(s->type, "a variable name");
  if (match(TokenKind::Assign)) s->value = parse_expression();
  return s;
}

// break_stmt = "break" ";" ;   continue_stmt = "continue" ";" ;
StmtPtr Parser::parse_jump(StmtKind kind) {
  StmtPtr s = new_stmt(kind, current_.loc);
  advance();
  expect(TokenKind::Semicolon);
  return s;
}

// return_stmt = "return" [ expression ] ";" ;
StmtPtr Parser::parse_return() {
  StmtPtr s = new_stmt(StmtKind::Return, current_.loc);
  advance();
  if (!check(TokenKind::Semicolon)) s->value = parse_expression();
  expect(TokenKind::Semicolon);
  return s;
}

// check_stmt = ( "assert" | "assume" | "await" ) "(" expression ")" ";" ;
StmtPtr Parser::parse_check(StmtKind kind) {
  StmtPtr s = new_stmt(kind, current_.loc);
  advance();
  expect(TokenKind::LParen);
  s->cond = parse_expression();
  expect(TokenKind::RParen);
  expect(TokenKind::Semicolon);
  return s;
}

// schedule_stmt = "schedule" "(" ")" ";" ;   do_exit_stmt = "do_exit" "(" ")" ";" ;
StmtPtr Parser::parse_no_argument(StmtKind kind) {
  StmtPtr s = new_stmt(kind, current_.loc);
  advance();
  expect(TokenKind::LParen);
  expect(TokenKind::RParen);
  expect(TokenKind::Semicolon);
  return s;
}

// simple_stmt = ( call | assignment ) ";" ;
// call        = postfix "(" [ arguments ] ")" ;   (also `(void)` before it: the result is dropped)
StmtPtr Parser::parse_simple_statement() {
  SourceLoc loc = current_.loc;
  StmtPtr s = parse_assignment();
  if (s->kind == StmtKind::Block && s->target && s->target->kind == ExprKind::Call) {
    s->kind = StmtKind::ExprStmt;
    s->loc = loc;
    s->value = std::move(s->target);
  }
  expect(TokenKind::Semicolon);
  return s;
}

// assignment = lvalue ( ( "=" | "+=" | "-=" ) expression | "++" | "--" ) | ( "++" | "--" ) lvalue ;
// lvalue     = postfix ;   (a place: a variable, an array element, a field)
// A call where an assignment may stand is returned as a Block holding it in `target`.
StmtPtr Parser::parse_assignment() {
  if (check(TokenKind::PlusPlus) || check(TokenKind::MinusMinus)) {
    const bool inc = check(TokenKind::PlusPlus);
    const SourceLoc loc = current_.loc;
    advance();
    StmtPtr s = new_stmt(StmtKind::Assign, loc);
    s->target = parse_unary(false);
    s->assign_op = inc ? AssignOp::Add : AssignOp::Sub;
    s->value = placeholder(loc);
    s->value->value = 1;
    s->value->text = inc ? "++" : "--";  // for messages
    return s;
  }
  if (!is_one_of(current_.kind, {TokenKind::Identifier, TokenKind::Star, TokenKind::LParen})) {
    error_expected("an assignment");
    return new_stmt(StmtKind::Block, current_.loc);
  }
  ExprPtr target = parse_unary(false);
  if (target->kind == ExprKind::Call || (target->kind == ExprKind::Cast && target->operand &&
                                         target->operand->kind == ExprKind::Call)) {
    if (target->kind == ExprKind::Cast) target = std::move(target->operand);  // (void) f();
    StmtPtr call = new_stmt(StmtKind::Block, target->loc);
    call->target = std::move(target);
    return call;
  }
  return parse_assignment_rest(std::move(target));
}

StmtPtr Parser::parse_assignment_rest(ExprPtr target) {
  StmtPtr s = new_stmt(StmtKind::Assign, target->loc);
  const std::string name = target->kind == ExprKind::Name ? std::string(target->name.text) : std::string("the expression");
  s->target = std::move(target);
  if (match(TokenKind::Assign) || match(TokenKind::PlusAssign) || match(TokenKind::MinusAssign)) {
    s->assign_op = previous_.kind == TokenKind::Assign       ? AssignOp::Set
                   : previous_.kind == TokenKind::PlusAssign ? AssignOp::Add
                                                             : AssignOp::Sub;
    s->value = parse_expression();
  } else if (match(TokenKind::PlusPlus) || match(TokenKind::MinusMinus)) {
    s->assign_op = previous_.kind == TokenKind::PlusPlus ? AssignOp::Add : AssignOp::Sub;
    s->value = placeholder(previous_.loc);
    s->value->value = 1;
    s->value->text = s->assign_op == AssignOp::Add ? "++" : "--";  // for messages
  } else {
    error_expected(fmt::format("'=', '+=', '-=', '++', '--' or '(' after {}",
                               name == "the expression" ? name : "'" + name + "'"));
  }
  return s;
}

}  // namespace preempt::lang::syntax::detail
